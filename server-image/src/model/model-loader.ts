import { describeError } from '../../../core/errors.ts';
import { backoffDelayMs } from '../../../core/retry.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import { ArtifactRefusedError } from './load-serving-model.ts';
import type { ServingModel } from './serving-model.ts';

/** Where model loading stands: retrying, serving, or given up on an artifact it does not understand. */
export type ModelStatus =
  | { readonly state: 'loading'; readonly attempts: number; readonly lastError?: string }
  | { readonly state: 'ready'; readonly model: ServingModel }
  | { readonly state: 'refused'; readonly reason: string };

/** Log sink of the loader (a pino logger fits). */
export interface ModelLoaderLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link createModelLoader}. */
export interface ModelLoaderOptions {
  readonly load: () => Promise<ServingModel>;
  /** Where the artifact lives, for log lines. */
  readonly uri: string;
  readonly log: ModelLoaderLog;
  readonly metrics: Pick<ServerMetrics, 'modelReady' | 'modelInfo' | 'modelLoadFailures'>;
  /** Backoff between failed attempts: doubles from `baseDelayMs` up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injectable wait, so tests do not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Loads the model once, retrying storage failures, and reports the outcome. */
export interface ModelLoader {
  status(): ModelStatus;
  /** Load until ready or refused (or stopped); resolves with the final status. */
  run(): Promise<ModelStatus>;
  /** Stop retrying and release the model if one is loaded; later calls do nothing. */
  stop(): Promise<void>;
}

/**
 * Load the model with retries: storage that is down or an artifact not there yet is retried with
 * exponential backoff (not ready meanwhile); an artifact this build does not understand is refused with
 * one clear error line and never retried, leaving the service alive but not ready.
 */
export function createModelLoader(options: ModelLoaderOptions): ModelLoader {
  const { load, uri, log, metrics } = options;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref()));
  let status: ModelStatus = { state: 'loading', attempts: 0 };
  let stopped = false;
  metrics.modelReady.set(0);

  async function run(): Promise<ModelStatus> {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const model = await load();
        if (stopped) {
          await model.release();
          break;
        }
        status = { state: 'ready', model };
        const { manifest } = model;
        metrics.modelInfo.set(
          {
            version: manifest.version,
            exchange: manifest.market.exchange,
            symbol: manifest.market.symbol,
            timeframe: manifest.market.timeframe,
            feature_spec_version: String(manifest.featureSpecVersion),
            sha256: manifest.modelSha256,
          },
          1,
        );
        metrics.modelReady.set(1);
        log.info({ uri, version: manifest.version, symbol: manifest.market.symbol, timeframe: manifest.market.timeframe, attempts: attempt }, 'model loaded');
        return status;
      } catch (error) {
        if (error instanceof ArtifactRefusedError) {
          metrics.modelLoadFailures.inc({ reason: 'unsupported' });
          status = { state: 'refused', reason: error.message };
          log.error({ uri, reason: error.message }, 'refusing to serve this artifact: this build does not understand it; the service stays not ready');
          return status;
        }
        metrics.modelLoadFailures.inc({ reason: 'unavailable' });
        const delayMs = backoffDelayMs({ baseDelayMs, maxDelayMs }, attempt);
        const lastError = describeError(error);
        status = { state: 'loading', attempts: attempt, lastError };
        log.warn({ uri, attempt, retryInMs: delayMs, error: lastError }, 'could not load the model yet; retrying');
        await sleep(delayMs);
      }
    }
    return status;
  }

  return {
    status: () => status,
    run,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (status.state === 'ready') {
        metrics.modelReady.set(0);
        await status.model.release();
      }
    },
  };
}
