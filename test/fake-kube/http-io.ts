import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, KubeApiError } from './api-error.ts';

/** Request bodies above this are refused (the real apiserver's limit is 3 MiB per object). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** One entry of an Accept header: the media type and its parameters (`as`, `g`, `v`). */
export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

/** Reads the whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new KubeApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; 400 with the parser's message when it is not JSON. */
export function parseJsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** Writes a `Status` failure for any error (non-API errors become 500 InternalError). */
export function sendError(res: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof KubeApiError ? error : new KubeApiError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, apiError.code, apiError.toStatus());
}

/** Splits an Accept header into media ranges, in the order the client listed them. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [];
  return header.split(',').map((entry) => {
    const [type = '', ...rawParams] = entry.split(';').map((p) => p.trim());
    const params: Record<string, string> = {};
    for (const param of rawParams) {
      const eq = param.indexOf('=');
      if (eq > 0) params[param.slice(0, eq).trim()] = param.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });
}

/** The meta.k8s.io Table version the client prefers, if it asked for a Table before plain JSON. */
export function preferredTableVersion(ranges: MediaRange[]): 'v1' | 'v1beta1' | undefined {
  for (const range of ranges) {
    if (range.params.as === 'Table' && range.params.g === 'meta.k8s.io' && (range.params.v === 'v1' || range.params.v === 'v1beta1')) {
      return range.params.v;
    }
    if (range.params.as === undefined && (range.type === 'application/json' || range.type === '*/*')) return undefined;
  }
  return undefined;
}

/** The aggregated discovery version (apidiscovery.k8s.io) the client prefers, if any. */
export function preferredDiscoveryVersion(ranges: MediaRange[]): 'v2' | 'v2beta1' | undefined {
  for (const range of ranges) {
    if (range.params.as === 'APIGroupDiscoveryList' && range.params.g === 'apidiscovery.k8s.io' && (range.params.v === 'v2' || range.params.v === 'v2beta1')) {
      return range.params.v;
    }
    if (range.params.as === undefined && (range.type === 'application/json' || range.type === '*/*')) return undefined;
  }
  return undefined;
}
