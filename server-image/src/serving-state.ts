import { liveFeedFreshness, type LiveFeed } from './feed/live-feed.ts';
import { HttpError } from './http/http-error.ts';
import type { ModelStatus } from './model/model-loader.ts';
import type { ServingModel } from './model/serving-model.ts';
import type { LiveTrackRecord } from './track-record/live-track-record.ts';

/** What the routes read about the model and the live feed; both appear only once the model is loaded. */
export interface ServingState {
  modelStatus(): ModelStatus;
  liveFeed(): LiveFeed | undefined;
  /** The model's live out-of-sample record; appears with the model. */
  trackRecord(): LiveTrackRecord | undefined;
  /** Model name of the KServe v2 routes; undefined while it is still unknown (MODEL_NAME unset, model loading). */
  modelName(): string | undefined;
  /** True once shutdown began: readiness turns false so load balancers stop sending traffic. */
  draining(): boolean;
}

/** Seconds a client is asked to wait before retrying while the model loads. */
const LOADING_RETRY_AFTER_SECONDS = 5;

/** Seconds a client is asked to wait before retrying while there is no live forecast yet. */
const NO_LIVE_FORECAST_RETRY_AFTER_SECONDS = 5;

/** Code of the 503 answered while the artifact is refused: a client can stop retrying on it. */
export const MODEL_REFUSED_CODE = 'model_refused';

/**
 * The loaded model, or a 503 saying there is none: still loading (retry), or the artifact was refused.
 * Why it was refused stays in the loader's log line: the reason names storage locations and checksums.
 */
export function requireModel(state: Pick<ServingState, 'modelStatus'>): ServingModel {
  const status = state.modelStatus();
  if (status.state === 'ready') return status.model;
  if (status.state === 'refused') {
    throw new HttpError(503, 'the model cannot be served: this build refused the artifact; the service log says why', { code: MODEL_REFUSED_CODE });
  }
  throw new HttpError(503, 'the model is still loading', { headers: { 'Retry-After': String(LOADING_RETRY_AFTER_SECONDS) } });
}

/**
 * The live feed's latest snapshot with how fresh it is, or a 503 while there is none. The exchange's error
 * stays in the log and /metrics: it may name internal hosts.
 */
export function requireLiveSnapshot(state: Pick<ServingState, 'liveFeed'>) {
  const feed = state.liveFeed();
  const snapshot = feed?.latest();
  if (feed === undefined || snapshot === undefined) {
    throw new HttpError(503, 'no live forecast yet: the exchange has not delivered enough closed candles', { headers: { 'Retry-After': String(NO_LIVE_FORECAST_RETRY_AFTER_SECONDS) } });
  }
  return { snapshot, ...liveFeedFreshness(feed) };
}

/** True when the service should receive traffic: model loaded and not shutting down. */
export function isReady(state: Pick<ServingState, 'modelStatus' | 'draining'>): boolean {
  return state.modelStatus().state === 'ready' && !state.draining();
}

/** The name KServe v2 routes use when MODEL_NAME is not set: the pair in lower case, `BTC/USDT` → `btc-usdt`. */
export function defaultModelName(symbol: string): string {
  return symbol.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
