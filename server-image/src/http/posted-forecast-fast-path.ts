import type { IncomingMessage } from 'node:http';
import type { AppDeps } from '../app.ts';
import { parseForecastRequest } from '../forecast/candle-request.ts';
import { FORECAST_CANDLE_CAP } from '../forecast/candle-schema.ts';
import { forecastAgeSeconds } from '../forecast/forecast.ts';
import { forecastResponseJson } from '../forecast/forecast-json.ts';
import { markRateLimitTaken } from '../middleware/rate-limit.ts';
import { answerJson, presentedTokenName, type FastPath } from './fast-path.ts';
import { uncountedBodyBytes } from './json-array-cap.ts';

const PATH = '/v1/forecast';
const DECIMAL = /^\d{1,15}$/;

/**
 * `POST /v1/forecast` (no query string) without the WHATWG Request, Hono context and middleware chain:
 * with onnxruntime at ~43 µs per window and JSON.parse at 16-28 µs, those layers were the largest cost
 * left that is not the work itself (≈ 10 µs of ≈ 130 µs a request).
 *
 * Like the cached GET path it owns only success. Before reading the body it declines anything unusual
 * (no or unknown token, no Content-Length, a body large enough to need its candles counted while it
 * streams, model not ready, debug logging on) and a token whose rate limit is spent: the app answers
 * those without reading the body, so a client cannot make the service read or parse more than its rate
 * limit allows. Once it has read the body, any request that would not succeed — invalid JSON, a rejected
 * candle, a failed inference — is handed to the app with the body already read (node-server's `rawBody`)
 * and marked as already rate-limited, and the app answers it exactly as it answers every request.
 * Metrics are only touched once the request is known to succeed, so the app counts a handed-over
 * request itself; a failed inference is run once more by the app.
 */
export function createPostedForecastFastPath(deps: Pick<AppDeps, 'state' | 'tokens' | 'limiter' | 'metrics' | 'logger' | 'clock' | 'bodyLimitBytes'>): FastPath {
  const { state, tokens, limiter, metrics, logger, clock } = deps;
  const answered = metrics.http.series('POST', PATH, 200);
  // Larger bodies could hold too many candles; the app counts them as they stream in.
  const maxBodyBytes = Math.min(deps.bodyLimitBytes, uncountedBodyBytes(FORECAST_CANDLE_CAP));

  return function servePostedForecast(incoming, outgoing, app) {
    if (incoming.url !== PATH || incoming.method !== 'POST') return false;
    const startedAt = performance.now();
    if (logger.isLevelEnabled('debug')) return false;
    const status = state.modelStatus();
    if (status.state !== 'ready') return false;
    const declared = incoming.headers['content-length'];
    if (declared === undefined || !DECIMAL.test(declared) || Number(declared) > maxBodyBytes) return false;
    const tokenName = presentedTokenName(incoming, tokens);
    if (tokenName === undefined) return false;
    // A refusal leaves the bucket as the app's own take() then finds it, so the 429 is the app's too.
    if (limiter !== undefined && !limiter.take(tokenName).allowed) return false;

    const model = status.model;
    const handOver = (body: Buffer) => {
      (incoming as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
      markRateLimitTaken(incoming);
      app(incoming, outgoing);
    };
    readBody(incoming, (body) => {
      let candles;
      const now = clock.now();
      try {
        const { manifest, stepMs } = model;
        candles = parseForecastRequest(JSON.parse(body.toString('utf8')), { window: manifest.window, stepMs, timeframe: manifest.market.timeframe, now });
      } catch {
        return handOver(body);
      }
      model.forecast(candles).then(
        (forecast) => {
          const json = forecastResponseJson(forecast, false, forecastAgeSeconds(forecast, now), 'compact');
          answerJson(incoming, outgoing, json, Buffer.byteLength(json));
          metrics.countTokenRequest(tokenName);
          answered.record((performance.now() - startedAt) / 1000);
        },
        () => handOver(body),
      );
    });
    return true;
  };
}

/** Collect the request body and call `done` with it; a client that goes away mid-body is just let go. */
function readBody(incoming: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.once('end', () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  // Node answers nothing to a request whose client disconnected; there is nobody to answer.
  incoming.once('error', () => incoming.socket?.destroy());
}
