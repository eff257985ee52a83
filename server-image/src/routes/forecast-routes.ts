import { Hono } from 'hono';
import type { Clock } from '../clock.ts';
import { parseForecastRequest } from '../forecast/candle-request.ts';
import { forecastAgeSeconds } from '../forecast/forecast.ts';
import { forecastResponseJson } from '../forecast/forecast-json.ts';
import type { AppEnv } from '../http/app-env.ts';
import { HttpError } from '../http/http-error.ts';
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
    const { snapshot, stale, ageSeconds } = liveSnapshot(state);
    // The forecast JSON is encoded once per candle; only the two per-request fields are written here.
    const head = Buffer.from(`{"stale":${stale},"ageSeconds":${ageSeconds},`);
    return c.body(Buffer.concat([head, snapshot.forecastJsonTail]), 200, JSON_HEADERS);
  });

  routes.post('/forecast', async (c) => {
    const model = requireModel(state);
    const body = await readJsonBody(c, bodyLimitBytes);
    const { manifest, stepMs } = model;
    const now = clock.now();
    const candles = parseForecastRequest(body, { window: manifest.window, stepMs, timeframe: manifest.market.timeframe, now });
    const forecast = await model.forecast(candles);
    return c.body(forecastResponseJson(forecast, false, forecastAgeSeconds(forecast, now)), 200, JSON_HEADERS);
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

function liveSnapshot(state: ServingState) {
  const feed = state.liveFeed();
  const snapshot = feed?.latest();
  if (feed === undefined || snapshot === undefined) {
    // The exchange's error stays in the log and /metrics: it may name internal hosts.
    throw new HttpError(503, 'no live forecast yet: the exchange has not delivered enough closed candles', { headers: { 'Retry-After': '5' } });
  }
  const { stale, ageSeconds } = feed.status();
  return { snapshot, stale, ageSeconds: Math.round((ageSeconds ?? 0) * 1000) / 1000 };
}
