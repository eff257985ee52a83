import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from '../http/app-env.ts';
import { requestHeader } from '../http/request-header.ts';

/** Options of {@link createRequestContext}. */
export interface RequestContextOptions {
  readonly logger: Logger;
}

const REQUEST_ID_HEADER = 'X-Request-Id';
// A caller's id is reused only when it cannot smuggle anything into a log line or a header.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Give every request an id (the caller's X-Request-Id when well-formed, otherwise a UUID), echoed in the
 * response and carried by every log line about the request; log one line per finished request at debug
 * level and every server error at error level. Headers are never logged, so tokens cannot leak.
 */
export function createRequestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const { logger } = options;
  return async function requestContext(c, next) {
    const startedAt = performance.now();
    const incoming = requestHeader(c, 'x-request-id');
    const requestId = incoming !== undefined && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    // Set before the response exists: adding a header to a finished response makes Hono copy it.
    c.header(REQUEST_ID_HEADER, requestId);
    await next();
    const status = c.res.status;
    // 503 (loading, draining, no live data yet) is an expected state, reported by /readyz and /metrics.
    const level = status >= 500 && status !== 503 ? 'error' : 'debug';
    if (logger.isLevelEnabled(level)) {
      const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      logger[level]({ requestId, method: c.req.method, path: c.req.path, status, durationMs, token: c.get('tokenName') }, 'request finished');
    }
  };
}
