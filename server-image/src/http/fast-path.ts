import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenDirectory } from '../auth/token-directory.ts';
import { presentedBearerToken } from '../middleware/bearer-auth.ts';
import { requestIdFor } from '../middleware/request-context.ts';
import { incomingHeader } from './request-header.ts';

const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

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

/** The name of the API token the request's `Authorization: Bearer` header presents, if it is a known one. */
export function presentedTokenName(incoming: IncomingMessage, tokens: Pick<TokenDirectory, 'match'>): string | undefined {
  const header = incoming.headers.authorization;
  const presented = header === undefined ? undefined : presentedBearerToken(header);
  return presented === undefined ? undefined : tokens.match(presented);
}

/** Answer 200 with a JSON body of `bytes` UTF-8 bytes, with the request id the app would give it. */
export function answerJson(incoming: IncomingMessage, outgoing: ServerResponse, json: string, bytes: number): void {
  const requestId = requestIdFor(incomingHeader(incoming, 'x-request-id'));
  outgoing.writeHead(200, ['Content-Type', JSON_CONTENT_TYPE, 'X-Request-Id', requestId, 'Content-Length', String(bytes)]);
  outgoing.end(json);
}
