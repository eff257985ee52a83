import type { Context } from 'hono';
import { HttpError } from './http-error.ts';
import { createJsonArrayItemCounter, uncountedBodyBytes, type JsonArrayCap, type JsonArrayItemCounter } from './json-array-cap.ts';
import { requestHeader } from './request-header.ts';

/** A request body as the transport delivers it: Hono's request, or Node's straight from the socket. */
export interface RequestBody {
  /** The Content-Length header, if any. */
  readonly declaredLength: string | undefined;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** The body as it arrives, to limit and count it on the way; null when there is none. */
  stream(): ReadableStream<Uint8Array> | null;
}

/** The body of the request of a Hono context. */
export function honoRequestBody(c: Context): RequestBody {
  return { declaredLength: requestHeader(c, 'content-length'), text: () => c.req.text(), stream: () => c.req.raw.body };
}

/** {@link readRequestJson} of the request of a Hono context. */
export function readJsonBody(c: Context, limitBytes: number, cap?: JsonArrayCap): Promise<unknown> {
  return readRequestJson(honoRequestBody(c), limitBytes, cap);
}

/**
 * Read and parse a JSON request body of at most `limitBytes`. A declared Content-Length over the limit is
 * refused before reading; a chunked body is counted while it streams. Oversized bodies are 413, bodies
 * that are not JSON are 400 naming `body`. With a `cap`, a body large enough to break it has its capped
 * array counted as it arrives, and is refused with the cap's error as soon as the array holds too many
 * items: neither the rest of the body nor JSON.parse is waited for.
 */
export async function readRequestJson(body: RequestBody, limitBytes: number, cap?: JsonArrayCap): Promise<unknown> {
  const declared = body.declaredLength;
  let text: string;
  if (declared !== undefined) {
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length < 0) throw new HttpError(400, 'body: Content-Length is not a byte count', { field: 'body' });
    if (length > limitBytes) throw tooLarge(limitBytes);
    text = cap === undefined || length <= uncountedBodyBytes(cap) ? await body.text() : await readLimited(body.stream(), limitBytes, cap);
  } else {
    text = await readLimited(body.stream(), limitBytes, cap);
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

async function readLimited(stream: ReadableStream<Uint8Array> | null, limitBytes: number, cap: JsonArrayCap | undefined): Promise<string> {
  if (stream === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const uncounted = cap === undefined ? Infinity : uncountedBodyBytes(cap);
  let counter: JsonArrayItemCounter | undefined;
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
    if (size <= uncounted) continue;
    // Counting starts only once the body could break the cap; it then catches up on what came before.
    let withinCap: boolean;
    if (counter === undefined) {
      counter = createJsonArrayItemCounter(cap!);
      withinCap = chunks.every((chunk) => counter!.push(chunk));
    } else {
      withinCap = counter.push(value);
    }
    if (!withinCap) {
      await reader.cancel();
      throw cap!.refuse();
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
