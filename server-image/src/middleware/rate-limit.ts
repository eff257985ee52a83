import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { RateLimiter } from '../auth/token-bucket.ts';
import type { AppEnv } from '../http/app-env.ts';
import { HttpError } from '../http/http-error.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';

/** Options of {@link createRateLimit}. */
export interface RateLimitOptions {
  readonly limiter: RateLimiter;
  readonly metrics: Pick<ServerMetrics, 'rateLimited'>;
}

const TAKEN = Symbol('rateLimitTaken');

/** A Node request that may carry the mark of {@link markRateLimitTaken}. */
type MarkedIncoming = IncomingMessage & { [TAKEN]?: true };

/**
 * Record that a fast path already took this request's rate-limit token before handing the request to
 * the app, so the app does not take a second one for the same request.
 */
export function markRateLimitTaken(incoming: IncomingMessage): void {
  (incoming as MarkedIncoming)[TAKEN] = true;
}

/**
 * Per-token rate limit; runs after bearer auth, keyed by the token's name. A refusal is a 429 with
 * Retry-After in whole seconds.
 */
export function createRateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const { limiter, metrics } = options;
  // Not async, like bearer auth: it only checks and hands on.
  return function rateLimit(c, next) {
    if ((c.env as { incoming?: MarkedIncoming } | undefined)?.incoming?.[TAKEN] === true) return next();
    const tokenName = c.get('tokenName');
    const decision = limiter.take(tokenName);
    if (!decision.allowed) {
      metrics.rateLimited.inc({ token: tokenName });
      throw new HttpError(429, `rate limit exceeded for token "${tokenName}"; retry in ${decision.retryAfterSeconds} s`, {
        headers: { 'Retry-After': String(decision.retryAfterSeconds) },
      });
    }
    return next();
  };
}
