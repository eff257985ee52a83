import type { MiddlewareHandler } from 'hono';
import type { TokenDirectory } from '../auth/token-directory.ts';
import type { AppEnv } from '../http/app-env.ts';
import { HttpError } from '../http/http-error.ts';
import { requestHeader, requestHeaderLines } from '../http/request-header.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';

/** Options of {@link createBearerAuth}. */
export interface BearerAuthOptions {
  readonly tokens: Pick<TokenDirectory, 'match'>;
  readonly metrics: Pick<ServerMetrics, 'countTokenRequest' | 'authFailures'>;
  /** Realm announced in WWW-Authenticate. */
  readonly realm?: string;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 `b64token`), or undefined when malformed. */
export function presentedBearerToken(header: string): string | undefined {
  return BEARER.exec(header)?.[1];
}

/**
 * Require `Authorization: Bearer <token>` matching a token of the Secret; sets `c.var.tokenName` and
 * counts the request under that name. Refusals are 401 with WWW-Authenticate (RFC 6750); the token
 * itself is never logged or echoed. A request with more than one Authorization header is a 400: which
 * one a proxy or this server would honour is anybody's guess, so none is.
 */
export function createBearerAuth(options: BearerAuthOptions): MiddlewareHandler<AppEnv> {
  const realm = options.realm ?? 'make-us-rich';
  const { tokens, metrics } = options;

  function refuse(reason: 'missing' | 'malformed' | 'unknown'): HttpError {
    metrics.authFailures.inc({ reason });
    const challenge = reason === 'missing' ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token"`;
    const message = {
      missing: 'an API token is required: send Authorization: Bearer <token>',
      malformed: 'the Authorization header must read "Bearer <token>"',
      unknown: 'the API token is not valid',
    }[reason];
    return new HttpError(401, message, { field: 'Authorization', headers: { 'WWW-Authenticate': challenge } });
  }

  // Not async: a middleware that only checks and hands on returns next()'s promise, saving a promise and a tick.
  return function bearerAuth(c, next) {
    const header = requestHeader(c, 'authorization');
    if (header === undefined || header === '') throw refuse('missing');
    const presented = presentedBearerToken(header);
    if (presented === undefined) {
      // The HTTP server joins repeated Authorization headers with ", ", which no token matches: they end up here.
      const lines = requestHeaderLines(c, 'authorization');
      if (lines > 1) throw new HttpError(400, `Authorization: send one Authorization header, not ${lines}`, { field: 'Authorization' });
      throw refuse('malformed');
    }
    const name = tokens.match(presented);
    if (name === undefined) throw refuse('unknown');
    c.set('tokenName', name);
    metrics.countTokenRequest(name);
    return next();
  };
}
