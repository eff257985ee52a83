import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from '../http/app-env.ts';
import { routeLabel, type HttpMetrics } from './http-metrics.ts';
import { requestHeader } from '../http/request-header.ts';

/** Options of {@link createRequestContext}. */
export interface RequestContextOptions {
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
}

const REQUEST_ID_HEADER = 'X-Request-Id';
// A caller's id is reused only when it cannot smuggle anything into a log line or a header.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of a request: the caller's X-Request-Id when it is safe to log and echo, otherwise a fresh UUID. */
export function requestIdFor(incoming: string | undefined): string {
  return incoming !== undefined && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Give every request an id (the caller's X-Request-Id when well-formed, otherwise a UUID), echoed in the
 * response and carried by every log line about the request; count it in the HTTP metrics by method,
 * route pattern (e.g. `/v2/models/:name/infer`, so label values stay bounded) and status; log one line per finished request at debug level and every server error
 * at error level. Headers are never logged, so tokens cannot leak. One middleware rather than two:
 * each layer of Hono middleware costs a few microseconds per request.
 */
export function createRequestContext(options: RequestContextOptions): MiddlewareHandler<AppEnv> {
  const { logger } = options;
  const { http } = options.metrics;
  return async function requestContext(c, next) {
    const startedAt = performance.now();
    const requestId = requestIdFor(requestHeader(c, 'x-request-id'));
    c.set('requestId', requestId);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    // Under Node the header goes straight onto Node's response, which merges it with the app's headers:
    // that spares every response a WHATWG Headers object. Elsewhere (app.request) it is a Hono header,
    // set before the response exists because adding one to a finished response makes Hono copy it.
    if (outgoing !== undefined) outgoing.setHeader(REQUEST_ID_HEADER, requestId);
    else c.header(REQUEST_ID_HEADER, requestId);
    try {
      await next();
    } finally {
      http.record(c.req.method, routeLabel(c), c.res.status, (performance.now() - startedAt) / 1000);
    }
    const status = c.res.status;
    // 503 (loading, draining, no live data yet) is an expected state, reported by /readyz and /metrics.
    const level = status >= 500 && status !== 503 ? 'error' : 'debug';
    if (logger.isLevelEnabled(level)) {
      const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      logger[level]({ requestId, method: c.req.method, path: c.req.path, status, durationMs, token: c.get('tokenName') }, 'request finished');
    }
  };
}
