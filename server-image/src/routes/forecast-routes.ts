import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import { requireLiveSnapshot, requireModel, type ServingState } from '../serving-state.ts';

/** Options of {@link createForecastRoutes}. */
export interface ForecastRoutesOptions {
  readonly state: ServingState;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=UTF-8' } as const;

/**
 * The v1 API besides /forecast (which `fast-path/forecast-endpoint.ts` serves): GET /candles (what the live
 * forecast is based on) and GET /model (the artifact manifest).
 */
export function createForecastRoutes(options: ForecastRoutesOptions): Hono<AppEnv> {
  const { state } = options;
  const routes = new Hono<AppEnv>();

  routes.get('/candles', (c) => {
    const { manifest } = requireModel(state);
    const { snapshot, stale, ageSeconds } = requireLiveSnapshot(state);
    const { exchange, symbol, timeframe } = manifest.market;
    const head = JSON.stringify({ exchange, symbol, timeframe, stale, ageSeconds }).slice(0, -1);
    return c.body(`${head},"candles":${snapshot.candlesJson}}`, 200, JSON_HEADERS);
  });

  routes.get('/model', (c) => c.json(requireModel(state).manifest));

  return routes;
}
