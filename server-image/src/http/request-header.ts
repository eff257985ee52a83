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
