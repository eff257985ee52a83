import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../http/app-env.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';

/** Options of {@link createHttpMetrics}. */
export interface HttpMetricsOptions {
  readonly metrics: Pick<ServerMetrics, 'httpRequests' | 'httpDuration'>;
}

interface BoundSeries {
  readonly count: { inc(): void };
  readonly duration: { observe(value: number): void };
}

/**
 * Count requests and observe their latency by method, route pattern (e.g. `/v2/models/:name/infer`, so
 * label values stay bounded) and status. Unknown paths share the route label `unmatched`.
 */
export function createHttpMetrics(options: HttpMetricsOptions): MiddlewareHandler<AppEnv> {
  const { metrics } = options;
  // Binding label values once per series keeps the per-request cost to two increments.
  const series = new Map<string, BoundSeries>();
  return async function httpMetrics(c, next) {
    const startedAt = performance.now();
    try {
      await next();
    } finally {
      const labels = { method: c.req.method, route: routeLabel(c), status: String(c.res.status) };
      const key = `${labels.method} ${labels.route} ${labels.status}`;
      let bound = series.get(key);
      if (bound === undefined) {
        bound = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
        series.set(key, bound);
      }
      bound.count.inc();
      bound.duration.observe((performance.now() - startedAt) / 1000);
    }
  };
}

/** The pattern of the route that matched (middleware registered with `use` does not count). */
function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== 'ALL') return route.path;
  }
  return 'unmatched';
}
