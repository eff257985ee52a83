import { Hono } from 'hono';
import type { Registry } from 'prom-client';

/** What the probes and the scrape endpoint look at. */
export interface HealthAppOptions {
  /** Liveness: false only when the process should be restarted. */
  readonly healthy: () => boolean;
  /** Readiness: caches synced (leader) or campaigning (standby). */
  readonly ready: () => boolean;
  readonly registry: Registry;
}

/** /healthz, /readyz and /metrics of the operator. */
export function createHealthApp(options: HealthAppOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => (options.healthy() ? c.text('ok') : c.text('unhealthy', 500)));
  app.get('/readyz', (c) => (options.ready() ? c.text('ok') : c.text('not ready', 503)));
  app.get('/metrics', async (c) => c.body(await options.registry.metrics(), 200, { 'Content-Type': options.registry.contentType }));
  return app;
}
