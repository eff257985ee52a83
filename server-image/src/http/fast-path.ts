import type { IncomingMessage, ServerResponse } from 'node:http';

/** Node's request listener: what a fast path hands a request to when it lets the app answer. */
export type NodeRequestListener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

/**
 * Answers a request itself (or takes charge of it, handing it to `app` later) and returns true, or returns
 * false and leaves it untouched for the app.
 */
export type FastPath = (incoming: IncomingMessage, outgoing: ServerResponse, app: NodeRequestListener) => boolean;

/** One fast path trying each of `paths` in turn. */
export function firstFastPath(...paths: readonly FastPath[]): FastPath {
  return (incoming, outgoing, app) => {
    for (const path of paths) if (path(incoming, outgoing, app)) return true;
    return false;
  };
}
