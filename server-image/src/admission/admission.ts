import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RateLimiter } from '../auth/token-bucket.ts';
import type { TokenDirectory } from '../auth/token-directory.ts';
import { HttpError } from '../http/http-error.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';

/** What {@link createAdmission} checks and counts with. */
export interface AdmissionOptions {
  readonly tokens: Pick<TokenDirectory, 'match'>;
  /** Per-token rate limiter; undefined switches rate limiting off. */
  readonly limiter: RateLimiter | undefined;
  readonly metrics: Pick<ServerMetrics, 'http' | 'countTokenRequest' | 'authFailures' | 'rateLimited'>;
  readonly logger: Logger;
  /** Realm announced in WWW-Authenticate. */
  readonly realm?: string;
}

/** The Authorization header of a request, as the transport sees it. */
export interface PresentedAuthorization {
  /** The header's value; repeated headers joined with ", ". */
  readonly header: string | undefined;
  /** How many Authorization header lines the request carried (asked only when the header is malformed). */
  lines(): number;
}

/** A request that has been answered, for the HTTP metrics and the request log. */
export interface FinishedRequest {
  readonly method: string;
  /** Route pattern (`/v2/models/:name/infer`), `unmatched` for none: a bounded metric label. */
  readonly route: string;
  /** The path as requested, for the log only. */
  readonly path: string;
  readonly status: number;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  readonly requestId: string;
  readonly tokenName: string | undefined;
}

/** Every request's admission: its id, its token (checked, rate-limited and counted) and its accounting once answered. */
export interface Admission {
  /** The id of a request: the caller's X-Request-Id when it is safe to log and echo, otherwise a fresh UUID. */
  requestId(presented: string | undefined): string;
  /**
   * The name of the token that admits the request, counted per token and then rate-limited; throws the HttpError to answer
   * otherwise: 401 (missing, malformed or unknown token), 400 (more than one Authorization header), 429.
   */
  admitToken(authorization: PresentedAuthorization): string;
  /** Count an answered request in the HTTP metrics and write its log line (debug, or error for a 5xx other than 503). */
  finish(request: FinishedRequest): void;
}

/** Name of the response header that carries the request id. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// A caller's id is reused only when it cannot smuggle anything into a log line or a header.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 `b64token`), or undefined when malformed. */
export function presentedBearerToken(header: string): string | undefined {
  return BEARER.exec(header)?.[1];
}

/**
 * The one admission step of every route, whichever code serves it (the Hono middleware or the fast path).
 * Tokens are never logged or echoed; refusals are 401 with WWW-Authenticate (RFC 6750). A request with
 * more than one Authorization header is a 400: which one a proxy or this server would honour is anybody's
 * guess, so none is.
 */
export function createAdmission(options: AdmissionOptions): Admission {
  const { tokens, limiter, metrics, logger } = options;
  const realm = options.realm ?? 'make-us-rich';

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

  return {
    requestId(presented) {
      return presented !== undefined && SAFE_REQUEST_ID.test(presented) ? presented : randomUUID();
    },

    admitToken(authorization) {
      const { header } = authorization;
      if (header === undefined || header === '') throw refuse('missing');
      const presented = presentedBearerToken(header);
      if (presented === undefined) {
        // The HTTP server joins repeated Authorization headers with ", ", which no token matches: they end up here.
        const lines = authorization.lines();
        if (lines > 1) throw new HttpError(400, `Authorization: send one Authorization header, not ${lines}`, { field: 'Authorization' });
        throw refuse('malformed');
      }
      const name = tokens.match(presented);
      if (name === undefined) throw refuse('unknown');
      // Counted before the limit: a refused request was still made with this token.
      metrics.countTokenRequest(name);
      if (limiter !== undefined) {
        const decision = limiter.take(name);
        if (!decision.allowed) {
          metrics.rateLimited.inc({ token: name });
          throw new HttpError(429, `rate limit exceeded for token "${name}"; retry in ${decision.retryAfterSeconds} s`, {
            headers: { 'Retry-After': String(decision.retryAfterSeconds) },
          });
        }
      }
      return name;
    },

    finish(request) {
      const { method, route, status, startedAt } = request;
      metrics.http.record(method, route, status, (performance.now() - startedAt) / 1000);
      // 503 (loading, draining, no live data yet) is an expected state, reported by /readyz and /metrics.
      const level = status >= 500 && status !== 503 ? 'error' : 'debug';
      if (logger.isLevelEnabled(level)) {
        const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
        logger[level]({ requestId: request.requestId, method, path: request.path, status, durationMs, token: request.tokenName }, 'request finished');
      }
    },
  };
}
