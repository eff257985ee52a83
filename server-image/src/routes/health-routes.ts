import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import { isReady, type ServingState } from '../serving-state.ts';

/** Options of {@link createHealthRoutes}. */
export interface HealthRoutesOptions {
  readonly state: ServingState;
  readonly metrics: ServerMetrics;
}

/**
 * Unauthenticated operational routes: /healthz (the process answers), /readyz (model loaded and not
 * draining) and /metrics (Prometheus text). Reasons for not being ready go to the log, not to callers.
 */
export function createHealthRoutes(options: HealthRoutesOptions): Hono<AppEnv> {
  const { state, metrics } = options;
  const routes = new Hono<AppEnv>();

  routes.get('/healthz', (c) => c.json({ status: 'ok' }));

  routes.get('/readyz', (c) => {
    const ready = isReady(state);
    const status = state.draining() ? 'draining' : state.modelStatus().state;
    return c.json({ ready, status }, ready ? 200 : 503);
  });

  routes.get('/metrics', async (c) => {
    observeLiveFeed(state, metrics);
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType });
  });

  return routes;
}

/** Bring the forecast age and staleness gauges up to the present before a scrape. */
function observeLiveFeed(state: ServingState, metrics: ServerMetrics): void {
  const feed = state.liveFeed();
  const snapshot = feed?.latest();
  if (feed === undefined || snapshot === undefined) {
    metrics.forecastStale.set(1);
    return;
  }
  const status = feed.status();
  metrics.forecastStale.set(status.stale ? 1 : 0);
  metrics.forecastAge.set(status.ageSeconds ?? 0);
  metrics.forecastLastCandle.set(snapshot.candles[snapshot.candles.length - 1]!.time / 1000);
}
