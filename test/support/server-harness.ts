import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import type { Candle } from '../../core/candle.ts';
import { createApp, type AppDeps } from '../../server-image/src/app.ts';
import { createTokenBucketLimiter } from '../../server-image/src/auth/token-bucket.ts';
import { openTokenDirectory, type TokenDirectory } from '../../server-image/src/auth/token-directory.ts';
import type { Clock } from '../../core/clock.ts';
import { createLiveFeed, type LiveFeed, type RecentCandlesFetcher } from '../../server-image/src/feed/live-feed.ts';
import type { AppEnv } from '../../server-image/src/http/app-env.ts';
import { createLogger } from '../../server-image/src/logger.ts';
import { createServerMetrics, type ServerMetrics } from '../../server-image/src/metrics/server-metrics.ts';
import type { ModelStatus } from '../../server-image/src/model/model-loader.ts';
import { loadOnnxQuantileModel } from '../../server-image/src/model/onnx-quantile-model.ts';
import { createServingModel, type BatchingOptions, type ServingModel } from '../../server-image/src/model/serving-model.ts';
import { defaultModelName, type ServingState } from '../../server-image/src/serving-state.ts';
import { createLiveTrackRecord, type LiveTrackRecord } from '../../server-image/src/track-record/live-track-record.ts';
import type { ModelArtifact } from './server-fixtures.ts';

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** A clock starting at `start` that only moves when told. */
export function manualClock(start: number): ManualClock {
  let now = start;
  return {
    now: () => now,
    set(ms) {
      now = ms;
    },
    advance(ms) {
      now += ms;
    },
  };
}

/** Collects pino's JSON lines so tests can assert on what was (and was not) logged. */
export function logCollector(): { lines: () => string[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { lines: () => chunks.join('').split('\n').filter(Boolean), stream };
}

/** Options of {@link startTestServing}. */
export interface TestServingOptions {
  readonly artifact: ModelArtifact;
  readonly clock: ManualClock;
  /** Tokens written to a fresh Secret-like directory, name → token. */
  readonly tokens?: Readonly<Record<string, string>>;
  readonly rateLimit?: { readonly ratePerSecond: number; readonly burst: number };
  readonly batching?: BatchingOptions;
  /** Candles the live feed sees (filtered to those closed at the clock's now); omitted → no feed. */
  readonly feedCandles?: readonly Candle[];
  readonly fetchCandles?: RecentCandlesFetcher;
  readonly modelName?: string;
  readonly bodyLimitBytes?: number;
  /** Start in this model state instead of loading the artifact. */
  readonly modelStatus?: ModelStatus;
  /** Level of the collected log; default debug (one line per request). */
  readonly logLevel?: string;
}

/** An app wired like the service, with a real ONNX session and token directory, for app.request() tests. */
export interface TestServing {
  readonly app: Hono<AppEnv>;
  /** What the app was built from, for wiring the HTTP fast path the same way. */
  readonly appDeps: AppDeps;
  readonly metrics: ServerMetrics;
  readonly model: ServingModel;
  readonly feed: LiveFeed | undefined;
  readonly trackRecord: LiveTrackRecord;
  readonly tokenDir: string;
  readonly tokens: TokenDirectory;
  readonly logLines: () => string[];
  setModelStatus(status: ModelStatus): void;
  setDraining(draining: boolean): void;
  close(): Promise<void>;
}

/** Wire the app around a real model and a token directory on disk. */
export async function startTestServing(options: TestServingOptions): Promise<TestServing> {
  const { artifact, clock } = options;
  const metrics = createServerMetrics({ processMetrics: false });
  const onnx = await loadOnnxQuantileModel(artifact.modelOnnx, artifact.manifest, { threads: 1 });
  const model = createServingModel({
    manifest: artifact.manifest,
    model: onnx,
    batching: options.batching ?? { enabled: true, maxBatchSize: 32, maxWaitMs: 0 },
    metrics,
  });
  const tokenDir = await mkdtemp(join(tmpdir(), 'mur-tokens-'));
  for (const [name, token] of Object.entries(options.tokens ?? { alice: 'alice-token-0123456789abcdef' })) {
    await writeFile(join(tokenDir, name), `${token}\n`);
  }
  const logs = logCollector();
  const logger = createLogger(options.logLevel ?? 'debug', logs.stream);
  const tokens = await openTokenDirectory({ dir: tokenDir, reloadIntervalMs: 50, log: logger });
  let status: ModelStatus = options.modelStatus ?? { state: 'ready', model };
  let draining = false;
  const candles = options.feedCandles;
  const fetchCandles: RecentCandlesFetcher | undefined =
    options.fetchCandles ??
    (candles &&
      (async (count, now) => ({ candles: candles.filter((c) => c.time + model.stepMs <= now).slice(-count), gaps: [] })));
  const trackRecord = createLiveTrackRecord({ model, maxDays: 30, log: logger, gauges: metrics.trackRecord });
  const feed =
    fetchCandles &&
    createLiveFeed({ model, fetchCandles, clock, log: logger, metrics, historyCandles: trackRecord.historyCandles, onNewCandles: (history) => void trackRecord.update(history) });
  if (feed) {
    await feed.poll();
    await trackRecord.idle();
  }
  const state: ServingState = {
    modelStatus: () => status,
    liveFeed: () => (status.state === 'ready' ? feed : undefined),
    trackRecord: () => (status.state === 'ready' ? trackRecord : undefined),
    modelName: () => options.modelName ?? defaultModelName(artifact.manifest.market.symbol),
    draining: () => draining,
  };
  const appDeps: AppDeps = {
    state,
    tokens,
    limiter: options.rateLimit && createTokenBucketLimiter({ ...options.rateLimit, clock }),
    metrics,
    logger,
    clock,
    bodyLimitBytes: options.bodyLimitBytes ?? 1_048_576,
    maxInferBatch: 64,
    serverVersion: '0.0.0-test',
  };
  const app = createApp(appDeps);
  return {
    app,
    appDeps,
    metrics,
    model,
    feed,
    trackRecord,
    tokenDir,
    tokens,
    logLines: logs.lines,
    setModelStatus(next) {
      status = next;
    },
    setDraining(next) {
      draining = next;
    },
    async close() {
      feed?.stop();
      trackRecord.stop();
      await trackRecord.idle();
      tokens.close();
      await model.release();
      await rm(tokenDir, { recursive: true, force: true });
    },
  };
}

/** Request headers with a bearer token. */
export function bearer(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${token}`, ...extra };
}

/** The JSON body of a response, loosely typed for assertions. */
export async function jsonOf(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}
