import type { Handler } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { honoRequestBody } from '../http/read-json-body.ts';
import { requestHeader, requestHeaderLines } from '../http/request-header.ts';
import type { ForecastEndpoint } from './forecast-endpoint.ts';

/**
 * The forecast endpoint as a Hono handler, for requests the Node fast path does not receive: `app.request()`
 * (tests, no socket) and paths Hono matches only once decoded. It does its own admission and accounting,
 * so the app registers it ahead of its middleware.
 */
export function honoForecastHandler(endpoint: ForecastEndpoint): Handler<AppEnv> {
  return async function forecast(c) {
    const answer = await endpoint({
      method: c.req.method,
      detail: c.req.query('detail'),
      header: (name) => requestHeader(c, name),
      headerLines: (name) => requestHeaderLines(c, name),
      body: honoRequestBody(c),
    });
    return c.body(answer.body, answer.status as 200, { 'Content-Type': answer.contentType, 'X-Request-Id': answer.requestId, ...answer.headers });
  };
}
