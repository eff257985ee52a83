import type { ServerResponse } from 'node:http';
import type { FastPath } from '../http/fast-path.ts';
import { nodeRequestBody } from '../http/node-request-body.ts';
import { incomingHeader, incomingHeaderLines } from '../http/request-header.ts';
import { FORECAST_PATH, type ForecastAnswer, type ForecastEndpoint } from './forecast-endpoint.ts';

const WITH_QUERY = `${FORECAST_PATH}?`;

/**
 * Every GET, HEAD and POST of `/v1/forecast` (any query string), answered by `endpoint` straight from
 * Node's request: the app never sees them. Other methods, and paths Hono would only match once decoded,
 * go to the app, which mounts the same endpoint.
 */
export function createForecastFastPath(endpoint: ForecastEndpoint): FastPath {
  return function serveForecast(incoming, outgoing) {
    const { method, url } = incoming;
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') return false;
    let detail: string | undefined;
    if (url !== FORECAST_PATH) {
      if (url === undefined || !url.startsWith(WITH_QUERY)) return false;
      detail = new URLSearchParams(url.slice(WITH_QUERY.length)).get('detail') ?? undefined;
    }
    const answer = endpoint({
      method,
      detail,
      header: (name) => incomingHeader(incoming, name),
      headerLines: (name) => incomingHeaderLines(incoming, name),
      body: nodeRequestBody(incoming),
    });
    if (answer instanceof Promise) void answer.then((settled) => writeAnswer(outgoing, settled));
    else writeAnswer(outgoing, answer);
    return true;
  };
}

/** Write the answer with its length; Node leaves the body out of an answer to HEAD. */
function writeAnswer(outgoing: ServerResponse, answer: ForecastAnswer): void {
  const head = ['Content-Type', answer.contentType, 'X-Request-Id', answer.requestId, 'Content-Length', String(answer.bytes)];
  for (const name in answer.headers) head.push(name, answer.headers[name]!);
  outgoing.writeHead(answer.status, head);
  outgoing.end(answer.body);
}
