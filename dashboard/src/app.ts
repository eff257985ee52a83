import { Hono, type MiddlewareHandler } from 'hono';
import { SYSTEM_CLOCK, type Clock } from '../../core/clock.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import { DashboardHttpError, errorResponse } from './http-error.ts';
import { loadStaticAssets, type StaticAssets } from './static-assets.ts';
import { createTargetCatalog, type DiscoverySource } from './target-catalog.ts';
import type { DashboardTarget } from './targets.ts';
import { createUpstreamClient, PROXIED_ROUTES, type FetchFunction } from './upstream.ts';

/** Dependencies of {@link createDashboardApp}; everything but the targets has a default. */
export interface DashboardAppOptions {
  /** The inference services to show; the backend alone holds their tokens. */
  readonly targets: readonly DashboardTarget[];
  /** ForecastModels found in the cluster, shown after the configured targets. */
  readonly discovery?: DiscoverySource;
  readonly fetch?: FetchFunction;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Longest wait for one inference-service answer (default 5 s): a dead target must not hang the page. */
  readonly upstreamTimeoutMs?: number;
  /** The page's files; defaults to dashboard/public/ and the lightweight-charts bundle. */
  readonly assets?: StaticAssets;
}

/** "forecast, candles, model or track-record", for the 404 of an unknown resource. */
const PROXIED_RESOURCE_LIST = Object.keys(PROXIED_ROUTES).join(', ').replace(/, ([^,]+)$/, ' or $1');

const JSON_NO_STORE = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

/**
 * The dashboard's HTTP app: the static page, `/api/targets` (configured and discovered), `/api/:target/{forecast,candles,model,track-record}` proxied to
 * the target's inference service with its bearer token added here, and `/healthz`.
 */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const catalog = createTargetCatalog({ targets: options.targets, ...(options.discovery ? { discovery: options.discovery } : {}) });
  const clock = options.clock ?? SYSTEM_CLOCK;
  const log = options.logger ?? createLogger({ name: 'dashboard' });
  const assets = options.assets ?? loadStaticAssets();
  const upstream = createUpstreamClient({ fetch: options.fetch ?? fetch, timeoutMs: options.upstreamTimeoutMs ?? 5_000, log });

  const app = new Hono();
  app.use(securityHeaders());
  app.use(requestLog(log, clock));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/api/targets', (c) => c.json({ targets: catalog.list() }, 200, { 'Cache-Control': 'no-store' }));

  app.get('/api/:target/:resource', async (c) => {
    const name = c.req.param('target');
    const resource = c.req.param('resource');
    const target = catalog.resolve(name);
    if (!Object.hasOwn(PROXIED_ROUTES, resource)) {
      throw new DashboardHttpError(404, `unknown resource "${resource}": use ${PROXIED_RESOURCE_LIST}`, { code: 'not_found', target: name });
    }
    const body = await upstream.getJson(target, PROXIED_ROUTES[resource as keyof typeof PROXIED_ROUTES]);
    return c.body(body, 200, JSON_NO_STORE);
  });

  app.get('*', (c, next) => {
    const asset = assets.get(c.req.path);
    if (asset === undefined) return next();
    // Revalidate each load: a new image must not leave an old page cached next to a new backend.
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache' });
  });

  app.notFound((c) => errorResponse(c, new DashboardHttpError(404, `no route ${c.req.method} ${c.req.path}`, { code: 'not_found' })));

  app.onError((error, c) => {
    if (error instanceof DashboardHttpError) return errorResponse(c, error);
    log.error({ err: error, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error', code: 'internal' }, 500);
  });

  return app;
}

/** Headers that keep the page from being framed or loading anything but its own files. */
function securityHeaders(): MiddlewareHandler {
  return async function setSecurityHeaders(c, next) {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    // The chart library sets inline styles on its canvases, hence 'unsafe-inline' for styles only.
    c.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  };
}

/** One debug line per request with its status and duration. */
function requestLog(log: Logger, clock: Clock): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = clock.now();
    await next();
    log.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: clock.now() - started }, 'request');
  };
}
