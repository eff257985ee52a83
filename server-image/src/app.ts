import { Hono } from 'hono';
import type { Logger } from 'pino';
import { createAdmission } from './admission/admission.ts';
import type { RateLimiter } from './auth/token-bucket.ts';
import type { TokenDirectory } from './auth/token-directory.ts';
import type { Clock } from '../../core/clock.ts';
import { createForecastEndpoint, FORECAST_PATH } from './fast-path/forecast-endpoint.ts';
import { honoForecastHandler } from './fast-path/hono-fast-path.ts';
import { createForecastFastPath } from './fast-path/node-fast-path.ts';
import type { AppEnv } from './http/app-env.ts';
import type { FastPath } from './http/fast-path.ts';
import { createErrorHandler } from './http/http-error.ts';
import { createUnroutedHandler } from './http/method-not-allowed.ts';
import type { ServerMetrics } from './metrics/server-metrics.ts';
import { createRequestContext } from './middleware/request-context.ts';
import { createRequireToken } from './middleware/require-token.ts';
import { createOipV2Routes } from './oip/oip-v2-routes.ts';
import { createForecastRoutes } from './routes/forecast-routes.ts';
import { createHealthRoutes } from './routes/health-routes.ts';
import { buildOpenApiDocument } from './routes/openapi.ts';
import { createTrackRecordRoutes } from './routes/track-record-routes.ts';
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

/** The service's request handling: the fast path Node tries first, and the Hono app for everything else. */
export interface RequestHandlers {
  readonly app: Hono<AppEnv>;
  readonly fastPath: FastPath;
}

/**
 * The service's one request pipeline. Every route is admitted by the same step (`admission/admission.ts`:
 * request id, token, rate limit, counting). GET and POST /v1/forecast have one implementation
 * (`fast-path/forecast-endpoint.ts`), which the fast path serves straight from Node so Hono never sees
 * them; the app mounts it too, for `app.request()`. Everything else is Hono's middleware chain and routes.
 */
export function createRequestHandlers(deps: AppDeps): RequestHandlers {
  const { state, metrics, logger, clock } = deps;
  const admission = createAdmission({ tokens: deps.tokens, limiter: deps.limiter, metrics, logger });
  const forecastEndpoint = createForecastEndpoint({ state, clock, bodyLimitBytes: deps.bodyLimitBytes, admission, logger });

  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(logger));
  app.notFound(createUnroutedHandler(() => app.routes));
  // Ahead of the middleware: the endpoint admits and accounts for its requests itself.
  app.on(['GET', 'POST'], FORECAST_PATH, honoForecastHandler(forecastEndpoint));
  app.use(createRequestContext(admission));

  const guard = [createRequireToken(admission)];
  app.use('/v1/*', ...guard);
  app.route('/v1', createForecastRoutes({ state }));
  app.route('/v1', createTrackRecordRoutes({ state }));
  app.route('/', createOipV2Routes({ state, guard, bodyLimitBytes: deps.bodyLimitBytes, maxBatch: deps.maxInferBatch, serverVersion: deps.serverVersion }));
  app.route('/', createHealthRoutes({ state, metrics }));

  const openApi = JSON.stringify(buildOpenApiDocument({ serverVersion: deps.serverVersion }));
  app.get('/openapi.json', (c) => c.body(openApi, 200, { 'Content-Type': 'application/json; charset=UTF-8' }));
  return { app, fastPath: createForecastFastPath(forecastEndpoint) };
}

/** The inference service's Hono app: v1 forecast and track-record API, KServe v2, health, metrics and OpenAPI. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  return createRequestHandlers(deps).app;
}
