import type { MiddlewareHandler } from 'hono';
import type { TokenDirectory } from '../auth/token-directory.ts';
import type { AppEnv } from '../http/app-env.ts';
import { HttpError } from '../http/http-error.ts';
import { requestHeader } from '../http/request-header.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';

/** Options of {@link createBearerAuth}. */
export interface BearerAuthOptions {
  readonly tokens: Pick<TokenDirectory, 'match'>;
  readonly metrics: Pick<ServerMetrics, 'tokenRequests' | 'authFailures'>;
  /** Realm announced in WWW-Authenticate. */
  readonly realm?: string;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * Require `Authorization: Bearer <token>` matching a token of the Secret; sets `c.var.tokenName` and
 * counts the request under that name. Refusals are 401 with WWW-Authenticate (RFC 6750); the token
 * itself is never logged or echoed.
 */
export function createBearerAuth(options: BearerAuthOptions): MiddlewareHandler<AppEnv> {
  const realm = options.realm ?? 'make-us-rich';
  const { tokens, metrics } = options;
  const tokenCounters = new Map<string, { inc(): void }>();

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

  return async function bearerAuth(c, next) {
    const header = requestHeader(c, 'authorization');
    if (header === undefined || header === '') throw refuse('missing');
    const presented = BEARER.exec(header)?.[1];
    if (presented === undefined) throw refuse('malformed');
    const name = tokens.match(presented);
    if (name === undefined) throw refuse('unknown');
    c.set('tokenName', name);
    let counter = tokenCounters.get(name);
    if (counter === undefined) {
      counter = metrics.tokenRequests.labels({ token: name });
      tokenCounters.set(name, counter);
    }
    counter.inc();
    await next();
  };
}
