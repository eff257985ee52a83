import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import { REQUEST_ID_HEADER, type Admission } from '../admission/admission.ts';
import type { AppEnv } from '../http/app-env.ts';
import { requestHeader } from '../http/request-header.ts';
import { routeLabel } from './http-metrics.ts';

/**
 * Give every request the app answers an id (see {@link Admission.requestId}), echoed in the response and
 * carried by every log line about the request, and account for it once answered (HTTP metrics by method,
 * route pattern and status; the request log line). One middleware rather than two: each layer of Hono
 * middleware costs a few microseconds per request.
 */
export function createRequestContext(admission: Pick<Admission, 'requestId' | 'finish'>): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const startedAt = performance.now();
    const requestId = admission.requestId(requestHeader(c, 'x-request-id'));
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
      admission.finish({ method: c.req.method, route: routeLabel(c), path: c.req.path, status: c.res.status, startedAt, requestId, tokenName: c.get('tokenName') });
    }
  };
}
