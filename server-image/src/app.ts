import { Hono, type MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { RateLimiter } from './auth/token-bucket.ts';
import type { TokenDirectory } from './auth/token-directory.ts';
import type { Clock } from './clock.ts';
import type { AppEnv } from './http/app-env.ts';
import { createErrorHandler } from './http/http-error.ts';
import { createUnroutedHandler } from './http/method-not-allowed.ts';
import type { ServerMetrics } from './metrics/server-metrics.ts';
import { createBearerAuth } from './middleware/bearer-auth.ts';
import { createRateLimit } from './middleware/rate-limit.ts';
import { createRequestContext } from './middleware/request-context.ts';
import { createOipV2Routes } from './oip/oip-v2-routes.ts';
import { createForecastRoutes } from './routes/forecast-routes.ts';
import { createHealthRoutes } from './routes/health-routes.ts';
import { createTrackRecordRoutes } from './routes/track-record-routes.ts';
import { buildOpenApiDocument } from './routes/openapi.ts';
import type { ServingState } from './serving-state.ts';

/** Everything the HTTP app needs; main.ts builds these from the environment, tests build them by hand. */
export interface AppDeps {
  readonly state: ServingState;
  readonly tokens: Pick<TokenDirectory, 'match'>;
  /** Per-token rate limiter; undefined switches rate limiting off. */
  readonly limiter: RateLimiter | undefined;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly bodyLimitBytes: number;
  /** Most feature windows one KServe v2 infer request may carry. */
  readonly maxInferBatch: number;
  readonly serverVersion: string;
}

/** The inference service's Hono app: v1 forecast and track-record API, KServe v2, health, metrics and OpenAPI. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { state, metrics, logger, clock } = deps;
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(logger));
  app.notFound(createUnroutedHandler(() => app.routes));
  app.use(createRequestContext({ logger, metrics }));

  const guard: MiddlewareHandler<AppEnv>[] = [createBearerAuth({ tokens: deps.tokens, metrics })];
  if (deps.limiter) guard.push(createRateLimit({ limiter: deps.limiter, metrics }));

  app.use('/v1/*', ...guard);
  app.route('/v1', createForecastRoutes({ state, clock, bodyLimitBytes: deps.bodyLimitBytes }));
  app.route('/v1', createTrackRecordRoutes({ state }));
  app.route('/', createOipV2Routes({ state, guard, bodyLimitBytes: deps.bodyLimitBytes, maxBatch: deps.maxInferBatch, serverVersion: deps.serverVersion }));
  app.route('/', createHealthRoutes({ state, metrics }));

  const openApi = JSON.stringify(buildOpenApiDocument({ serverVersion: deps.serverVersion }));
  app.get('/openapi.json', (c) => c.body(openApi, 200, { 'Content-Type': 'application/json; charset=UTF-8' }));
  return app;
}
