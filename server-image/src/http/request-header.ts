import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * A request header by lower-case name. Under @hono/node-server it is read from Node's already parsed
 * headers: `c.req.header()` would first copy them all into a WHATWG Headers object, a measurable cost
 * on a route that answers in a few microseconds. Elsewhere (app.request in tests) it falls back to Hono.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming === undefined ? c.req.header(name) : incomingHeader(incoming, name);
}

/** A header of Node's request by lower-case name, repeated values joined with ", " as Headers#get does. */
export function incomingHeader(incoming: IncomingMessage, name: string): string | undefined {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * How many times the request carried header `name` (lower case), counted in Node's raw header lines:
 * Node keeps only the first of some repeated headers, Authorization among them, unless told to join
 * them. Elsewhere (app.request) repeated values are already joined and cannot be told apart: 1.
 */
export function requestHeaderLines(c: Context, name: string): number {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming === undefined ? 1 : incomingHeaderLines(incoming, name);
}

/** How many times Node's request carried header `name` (lower case), counted in its raw header lines. */
export function incomingHeaderLines(incoming: IncomingMessage, name: string): number {
  const raw = incoming.rawHeaders;
  let lines = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) lines++;
  return lines;
}
