import type { Logger } from 'pino';
import type { Admission } from '../admission/admission.ts';
import type { Clock } from '../../../core/clock.ts';
import { parseForecastRequest } from '../forecast/candle-request.ts';
import { FORECAST_DETAILS, forecastResponseJson, liveForecastJson, type ForecastDetail } from '../forecast/forecast-json.ts';
import { forecastAgeSeconds } from '../forecast/forecast.ts';
import { FORECAST_CANDLE_CAP } from '../http/forecast-candle-cap.ts';
import { badRequest, errorAnswer } from '../http/http-error.ts';
import { readRequestJson, type RequestBody } from '../http/read-json-body.ts';
import { requireLiveSnapshot, requireModel, type ServingState } from '../serving-state.ts';

/** The path the endpoint serves: GET (and HEAD) answer the cached live forecast, POST one from the caller's candles. */
export const FORECAST_PATH = '/v1/forecast';

/** Content-Type of a forecast. */
const FORECAST_CONTENT_TYPE = 'application/json; charset=UTF-8';
/** Content-Type of an error, as the app's error handler (Hono's `c.json`) writes it. */
const ERROR_CONTENT_TYPE = 'application/json';

/** What {@link createForecastEndpoint} serves from. */
export interface ForecastEndpointDeps {
  readonly state: ServingState;
  readonly clock: Clock;
  readonly bodyLimitBytes: number;
  readonly admission: Admission;
  readonly logger: Logger;
}

/** One request to the endpoint, as whichever transport received it. */
export interface ForecastCall {
  /** GET, HEAD or POST. */
  readonly method: string;
  /** The `detail` query parameter. */
  readonly detail: string | undefined;
  /** A request header by lower-case name, repeated values joined with ", ". */
  header(name: string): string | undefined;
  /** How many lines of header `name` the request carried. */
  headerLines(name: string): number;
  /** Read only by POST. */
  readonly body: RequestBody;
}

/** The endpoint's answer; the transport adds Content-Length. */
export interface ForecastAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly requestId: string;
  /** Headers of a refusal (Retry-After, WWW-Authenticate); empty on success. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** UTF-8 length of `body`. */
  readonly bytes: number;
}

/** Answers one call; a cached GET answers synchronously. */
export type ForecastEndpoint = (call: ForecastCall) => ForecastAnswer | Promise<ForecastAnswer>;

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * `GET` and `POST /v1/forecast`, whole: admission (request id, token, rate limit, counting), the forecast,
 * every refusal in the service's error shape, and the request's metrics and log line. It is the only code
 * for these routes: the HTTP server hands it Node's requests before Hono sees them (see
 * `node-fast-path.ts`), because on a route whose work is copying a cached document Hono's WHATWG
 * Request, context and middleware chain cost more than everything else together; the app mounts the same
 * function for `app.request()` (see `hono-fast-path.ts`).
 */
export function createForecastEndpoint(deps: ForecastEndpointDeps): ForecastEndpoint {
  const { state, clock, bodyLimitBytes, admission, logger } = deps;

  return function answerForecast(call) {
    const startedAt = performance.now();
    const requestId = admission.requestId(call.header('x-request-id'));
    let tokenName: string | undefined;
    const answer = (status: number, contentType: string, body: string, bytes: number, headers: Readonly<Record<string, string>>): ForecastAnswer => {
      admission.finish({ method: call.method, route: FORECAST_PATH, path: FORECAST_PATH, status, startedAt, requestId, tokenName });
      return { status, contentType, requestId, headers, body, bytes };
    };
    const refuse = (error: unknown): ForecastAnswer => {
      const failure = errorAnswer(error, { requestId, method: call.method, path: FORECAST_PATH }, logger);
      const body = JSON.stringify(failure.body);
      return answer(failure.status, ERROR_CONTENT_TYPE, body, Buffer.byteLength(body), failure.headers);
    };
    try {
      tokenName = admission.admitToken({ header: call.header('authorization'), lines: () => call.headerLines('authorization') });
      if (call.method === 'POST') {
        return postedForecast(call).then((json) => answer(200, FORECAST_CONTENT_TYPE, json, Buffer.byteLength(json), NO_HEADERS), refuse);
      }
      const json = cachedForecast(call.detail);
      return answer(200, FORECAST_CONTENT_TYPE, json.text, json.bytes, NO_HEADERS);
    } catch (error) {
      return refuse(error);
    }
  };

  function cachedForecast(detailParameter: string | undefined) {
    requireModel(state);
    const detail = forecastDetail(detailParameter);
    const { snapshot, stale, ageSeconds } = requireLiveSnapshot(state);
    // The forecast JSON is encoded once per candle; only the two per-request fields are written here.
    return liveForecastJson(snapshot.forecastJsonTails[detail], stale, ageSeconds);
  }

  async function postedForecast(call: ForecastCall): Promise<string> {
    const model = requireModel(state);
    const detail = forecastDetail(call.detail);
    const body = await readRequestJson(call.body, bodyLimitBytes, FORECAST_CANDLE_CAP);
    const { manifest, stepMs } = model;
    const now = clock.now();
    const candles = parseForecastRequest(body, { window: manifest.window, stepMs, timeframe: manifest.market.timeframe, now });
    const forecast = await model.forecast(candles);
    return forecastResponseJson(forecast, false, forecastAgeSeconds(forecast, now), detail);
  }
}

/** The `detail` query parameter: `compact` when absent, otherwise one of {@link FORECAST_DETAILS}. */
function forecastDetail(value: string | undefined): ForecastDetail {
  if (value === undefined) return 'compact';
  if ((FORECAST_DETAILS as readonly string[]).includes(value)) return value as ForecastDetail;
  throw badRequest('detail', `must be one of ${FORECAST_DETAILS.join(', ')}, got "${value}"`);
}
