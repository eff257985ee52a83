import { Hono } from 'hono';
import type { Clock } from '../clock.ts';
import { liveFeedFreshness } from '../feed/live-feed.ts';
import { parseForecastRequest } from '../forecast/candle-request.ts';
import { FORECAST_CANDLE_CAP } from '../forecast/candle-schema.ts';
import { forecastAgeSeconds } from '../forecast/forecast.ts';
import { FORECAST_DETAILS, forecastResponseJson, liveForecastJson, type ForecastDetail } from '../forecast/forecast-json.ts';
import type { AppEnv } from '../http/app-env.ts';
import { badRequest, HttpError } from '../http/http-error.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { requireModel, type ServingState } from '../serving-state.ts';

/** Options of {@link createForecastRoutes}. */
export interface ForecastRoutesOptions {
  readonly state: ServingState;
  readonly clock: Clock;
  readonly bodyLimitBytes: number;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8' } as const;

/**
 * The v1 API: GET /forecast (cached live forecast), POST /forecast (forecast from the caller's candles),
 * GET /candles (what the live forecast is based on) and GET /model (the artifact manifest).
 */
export function createForecastRoutes(options: ForecastRoutesOptions): Hono<AppEnv> {
  const { state, clock, bodyLimitBytes } = options;
  const routes = new Hono<AppEnv>();

  routes.get('/forecast', (c) => {
    requireModel(state);
    const detail = forecastDetail(c.req.query('detail'));
    const { snapshot, stale, ageSeconds } = liveSnapshot(state);
    // The forecast JSON is encoded once per candle; only the two per-request fields are written here.
    return c.body(liveForecastJson(snapshot.forecastJsonTails[detail], stale, ageSeconds).text, 200, JSON_HEADERS);
  });

  routes.post('/forecast', async (c) => {
    const model = requireModel(state);
    const detail = forecastDetail(c.req.query('detail'));
    const body = await readJsonBody(c, bodyLimitBytes, FORECAST_CANDLE_CAP);
    const { manifest, stepMs } = model;
    const now = clock.now();
    const candles = parseForecastRequest(body, { window: manifest.window, stepMs, timeframe: manifest.market.timeframe, now });
    const forecast = await model.forecast(candles);
    return c.body(forecastResponseJson(forecast, false, forecastAgeSeconds(forecast, now), detail), 200, JSON_HEADERS);
  });

  routes.get('/candles', (c) => {
    const { manifest } = requireModel(state);
    const { snapshot, stale, ageSeconds } = liveSnapshot(state);
    const { exchange, symbol, timeframe } = manifest.market;
    const head = JSON.stringify({ exchange, symbol, timeframe, stale, ageSeconds }).slice(0, -1);
    return c.body(`${head},"candles":${snapshot.candlesJson}}`, 200, JSON_HEADERS);
  });

  routes.get('/model', (c) => c.json(requireModel(state).manifest));

  return routes;
}

/** The `detail` query parameter: `compact` when absent, otherwise one of {@link FORECAST_DETAILS}. */
function forecastDetail(value: string | undefined): ForecastDetail {
  if (value === undefined) return 'compact';
  if ((FORECAST_DETAILS as readonly string[]).includes(value)) return value as ForecastDetail;
  throw badRequest('detail', `must be one of ${FORECAST_DETAILS.join(', ')}, got "${value}"`);
}

function liveSnapshot(state: ServingState) {
  const feed = state.liveFeed();
  const snapshot = feed?.latest();
  if (feed === undefined || snapshot === undefined) {
    // The exchange's error stays in the log and /metrics: it may name internal hosts.
    throw new HttpError(503, 'no live forecast yet: the exchange has not delivered enough closed candles', { headers: { 'Retry-After': '5' } });
  }
  return { snapshot, ...liveFeedFreshness(feed) };
}
