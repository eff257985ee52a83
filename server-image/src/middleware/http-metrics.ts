import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../http/app-env.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';

/** The metrics an {@link HttpObserver} records into. */
export type HttpMetrics = Pick<ServerMetrics, 'httpRequests' | 'httpDuration'>;

/**
 * Records one answered request in the request counter and the latency histogram, by method, route pattern
 * (e.g. `/v2/models/:name/infer`, so label values stay bounded) and status.
 */
export type HttpObserver = (method: string, route: string, status: number, seconds: number) => void;

interface BoundSeries {
  readonly count: { inc(): void };
  readonly duration: { observe(value: number): void };
}

/** An {@link HttpObserver} that binds each method/route/status series once, so a request costs two increments. */
export function createHttpObserver(metrics: HttpMetrics): HttpObserver {
  const series = new Map<string, BoundSeries>();
  return (method, route, status, seconds) => {
    const key = `${method} ${route} ${status}`;
    let bound = series.get(key);
    if (bound === undefined) {
      const labels = { method, route, status: String(status) };
      bound = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      series.set(key, bound);
    }
    bound.count.inc();
    bound.duration.observe(seconds);
  };
}

/** The pattern of the route that matched (middleware registered with `use` does not count); `unmatched` for none. */
export function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== 'ALL') return route.path;
  }
  return 'unmatched';
}
