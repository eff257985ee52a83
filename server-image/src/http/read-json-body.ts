import type { Context } from 'hono';
import { HttpError } from './http-error.ts';
import { requestHeader } from './request-header.ts';

/**
 * Read and parse a JSON request body of at most `limitBytes`. A declared Content-Length over the limit is
 * refused before reading; a chunked body is counted while it streams. Oversized bodies are 413, bodies
 * that are not JSON are 400 naming `body`.
 */
export async function readJsonBody(c: Context, limitBytes: number): Promise<unknown> {
  const declared = requestHeader(c, 'content-length');
  let text: string;
  if (declared !== undefined) {
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length < 0) throw new HttpError(400, 'body: Content-Length is not a byte count', { field: 'body' });
    if (length > limitBytes) throw tooLarge(limitBytes);
    text = await c.req.text();
  } else {
    text = await readLimited(c.req.raw.body, limitBytes);
  }
  if (text.trim() === '') throw new HttpError(400, 'body: is empty; send a JSON object', { field: 'body' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body: is not valid JSON (${(error as Error).message})`, { field: 'body' });
  }
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `body: larger than the limit of ${limitBytes} bytes`, { field: 'body' });
}

async function readLimited(stream: ReadableStream<Uint8Array> | null, limitBytes: number): Promise<string> {
  if (stream === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
