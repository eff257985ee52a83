import type { Logger } from 'pino';
import { openArtifactStore } from '../../core/storage/open-artifact-store.ts';
import { createRequestHandlers, type AppDeps } from './app.ts';
import { createTokenBucketLimiter } from './auth/token-bucket.ts';
import { openTokenDirectory } from './auth/token-directory.ts';
import { SYSTEM_CLOCK, type Clock } from '../../core/clock.ts';
import type { ServerConfig } from './config.ts';
import { createExchangeFetcher } from './feed/exchange-fetcher.ts';
import { createLiveFeed, type LiveFeed } from './feed/live-feed.ts';
import { startHttpServer } from './http-server.ts';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.ts';
import { loadServingModel } from './model/load-serving-model.ts';
import { createModelLoader, type ModelStatus } from './model/model-loader.ts';
import type { ServingModel } from './model/serving-model.ts';
import { defaultModelName, type ServingState } from './serving-state.ts';
import { createLiveTrackRecord, type LiveTrackRecord } from './track-record/live-track-record.ts';

/** Options of {@link startInferenceService}. */
export interface InferenceServiceOptions {
  readonly config: Readonly<ServerConfig>;
  readonly logger: Logger;
  readonly serverVersion: string;
  readonly clock?: Clock;
}

/** A running service: listening at once, ready once the model is loaded. */
export interface InferenceService {
  readonly port: number;
  readonly state: ServingState;
  /** Settles when model loading ends (ready or refused). */
  readonly modelLoaded: Promise<ModelStatus>;
  /** Stop taking traffic, drain in-flight requests (at most `drainTimeoutMs`), then release everything; idempotent. */
  shutdown(drainTimeoutMs: number): Promise<{ forced: boolean }>;
}

/**
 * Wire the service from its configuration and start listening. Model loading runs in the background
 * (retrying while storage is down); the live candle feed starts once the model says which market to follow.
 */
export async function startInferenceService(options: InferenceServiceOptions): Promise<InferenceService> {
  const { config, logger, serverVersion } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const metrics = createServerMetrics();
  const tokens = await openTokenDirectory({ dir: config.tokenDir, reloadIntervalMs: config.tokenReloadIntervalMs, log: logger.child({ component: 'tokens' }) });
  const limiter = config.rateLimit && createTokenBucketLimiter({ ...config.rateLimit, clock });
  // The loader owns retrying, so each attempt makes a single storage request.
  const store = openArtifactStore(config.modelUri, { ...(config.s3 && { s3: config.s3 }), retry: { attempts: 1 } });
  const loader = createModelLoader({
    load: () => loadServingModel({ store, threads: config.ortThreads, batching: config.batching, metrics }),
    uri: store.baseUri,
    log: logger.child({ component: 'model' }),
    metrics,
    maxDelayMs: config.modelLoadRetryMaxMs,
  });
  let feed: LiveFeed | undefined;
  let trackRecord: LiveTrackRecord | undefined;
  let draining = false;
  let shutdown: Promise<{ forced: boolean }> | undefined;
  const state: ServingState = {
    modelStatus: () => loader.status(),
    liveFeed: () => feed,
    trackRecord: () => trackRecord,
    modelName() {
      const status = loader.status();
      return config.modelName ?? (status.state === 'ready' ? defaultModelName(status.model.manifest.market.symbol) : undefined);
    },
    draining: () => draining,
  };

  const appDeps: AppDeps = { state, tokens, limiter, metrics, logger, clock, bodyLimitBytes: config.bodyLimitBytes, maxInferBatch: config.maxInferBatch, serverVersion };
  const http = await startHttpServer({ ...createRequestHandlers(appDeps), host: config.host, port: config.port });
  logger.info({ port: http.port, modelUri: store.baseUri, batching: config.batching, ortThreads: config.ortThreads }, 'listening');

  const modelLoaded = loader.run().then((status) => {
    if (status.state === 'ready' && config.expectedModelVersion !== undefined && status.model.manifest.version !== config.expectedModelVersion) {
      logger.warn({ expected: config.expectedModelVersion, loaded: status.model.manifest.version }, 'MODEL_VERSION differs from the version in the manifest; serving the manifest version');
    }
    if (status.state === 'ready') {
      trackRecord = createLiveTrackRecord({ model: status.model, maxDays: config.trackRecordDays, log: logger.child({ component: 'track-record' }), gauges: metrics.trackRecord });
      if (!draining) feed = startLiveFeed(status.model, { config, logger, clock, metrics, trackRecord });
    }
    return status;
  });

  return {
    port: http.port,
    state,
    modelLoaded,
    shutdown(drainTimeoutMs) {
      shutdown ??= (async () => {
        draining = true;
        feed?.stop();
        trackRecord?.stop();
        tokens.close();
        const result = await http.drain(drainTimeoutMs);
        await loader.stop();
        return result;
      })();
      return shutdown;
    },
  };
}

/**
 * Follow the model's market on its exchange. A market the feed cannot follow (an exchange ccxt does not
 * know, a malformed EXCHANGE_BASE_URL) is logged and leaves the service up: POST forecasts still work.
 */
function startLiveFeed(
  model: ServingModel,
  deps: { config: Readonly<ServerConfig>; logger: Logger; clock: Clock; metrics: ServerMetrics; trackRecord: LiveTrackRecord },
): LiveFeed | undefined {
  const { config, logger } = deps;
  try {
    const feed = createLiveFeed({
      model,
      fetchCandles: createExchangeFetcher(model.manifest.market, {
        baseUrl: config.exchangeBaseUrl,
        timeoutMs: config.exchangeTimeoutMs,
        log: logger.child({ component: 'exchange' }),
      }),
      clock: deps.clock,
      log: logger.child({ component: 'feed' }),
      metrics: deps.metrics,
      pollDelayMs: config.exchangePollDelayMs,
      // The first poll fetches the history the track record scores; each new candle is scored as it arrives.
      historyCandles: deps.trackRecord.historyCandles,
      onNewCandles: (history) => void deps.trackRecord.update(history),
    });
    feed.start();
    return feed;
  } catch (error) {
    logger.error({ err: error, exchange: model.manifest.market.exchange }, 'live candle feed disabled: GET /v1/forecast will answer 503');
    return undefined;
  }
}
