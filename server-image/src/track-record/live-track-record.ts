import type { Candle } from '../../../core/candle.ts';
import { describeError } from '../../../core/errors.ts';
import type { TrackRecordGauges } from '../metrics/track-record-gauges.ts';
import type { ServingModel } from '../model/serving-model.ts';
import { forecastOrigins } from './forecast-origins.ts';
import { scorePastForecasts, type PastForecast, type TrackRecordScores } from './score-past-forecasts.ts';
import type { TrackRecordResponse } from './track-record-schema.ts';

const DAY_MS = 86_400_000;
/** Feature windows per model call while scoring: a few milliseconds of the event loop for a 72 × 64 LSTM. */
const DEFAULT_BATCH_SIZE = 32;

/** Log sink of the track record (a pino logger fits). */
export interface LiveTrackRecordLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link createLiveTrackRecord}. */
export interface LiveTrackRecordOptions {
  readonly model: Pick<ServingModel, 'manifest' | 'stepMs' | 'inferBackground'>;
  /** Only forecasts made in this many days before the newest candle are scored (TRACK_RECORD_DAYS). */
  readonly maxDays: number;
  readonly log: LiveTrackRecordLog;
  readonly gauges: TrackRecordGauges;
  /** Feature windows per model call; default 32. */
  readonly batchSize?: number;
}

/** The model's out-of-sample record since its training data ended, recomputed from the candles the feed keeps. */
export interface LiveTrackRecord {
  /** Closed candles the live feed must keep: the scoring window plus one feature window before it. */
  readonly historyCandles: number;
  /**
   * Score what `history` (closed candles, oldest first) makes possible. Forecasts already made are kept, so
   * a new candle costs one model call; calls made while scoring runs are folded into one more pass.
   */
  update(history: readonly Candle[]): Promise<void>;
  /** Settles once no scoring is running. */
  idle(): Promise<void>;
  /** The record as GET /v1/track-record returns it: zero samples until something is scored. */
  latest(): TrackRecordResponse;
  /** The same, as JSON text encoded once per scoring. */
  latestJson(): string;
  /** Stop scoring (between model calls); the last record stays readable. */
  stop(): void;
}

/**
 * Score, on every new candle, the forecasts the served model would have made at each candle after its
 * training cutoff (the manifest's data.to), within the last `maxDays`, against the closes that followed.
 */
export function createLiveTrackRecord(options: LiveTrackRecordOptions): LiveTrackRecord {
  const { model, maxDays, log, gauges } = options;
  const { manifest, stepMs } = model;
  const { window, horizon, quantiles } = manifest;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxOrigins = Math.ceil((maxDays * DAY_MS) / stepMs);
  const cutoff = Date.parse(manifest.data.to);
  const intervalLevel = quantiles.length > 1 ? Number((quantiles[quantiles.length - 1]! - quantiles[0]!).toPrecision(12)) : null;
  const forecasts = new Map<number, PastForecast>();
  let record = buildRecord(manifest, maxDays, intervalLevel, emptyScores(horizon), [], null);
  let recordJson = JSON.stringify(record);
  let pending: readonly Candle[] | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let passes = 0;

  if (Number.isNaN(cutoff)) log.warn({ dataTo: manifest.data.to }, 'the manifest\'s data.to is not a date: no forecast can be told out of sample, the track record stays empty');

  async function scoreOnce(history: readonly Candle[]): Promise<void> {
    const startedAt = performance.now();
    const newest = history[history.length - 1];
    if (newest === undefined) return;
    const since = Math.max(cutoff, newest.time - maxOrigins * stepMs);
    const origins: number[] = [];
    for (let i = window; i < history.length; i++) {
      const time = history[i]!.time;
      // Out of sample and in the window, with `window` consecutive candles before it to forecast from.
      if (time > since && time - history[i - window]!.time === window * stepMs) origins.push(i);
    }
    for (const time of forecasts.keys()) if (time <= since) forecasts.delete(time);
    const unforecast = origins.filter((i) => !forecasts.has(history[i]!.time));
    const made = await forecastOrigins(history, unforecast, { window, horizon, quantiles, run: (features, samples) => model.inferBackground(features, samples) }, { batchSize, stopped: () => stopped });
    if (stopped) return;
    for (const forecast of made) forecasts.set(forecast.originTime, forecast);

    const closes = new Map(history.map((candle) => [candle.time, candle.close]));
    const scoredForecasts = origins.map((i) => forecasts.get(history[i]!.time)).filter((forecast) => forecast !== undefined);
    const scores = scorePastForecasts(scoredForecasts, { stepMs, horizon, intervalLevel, closeAt: (time) => closes.get(time) });
    const stepOne = scoredForecasts.flatMap((forecast) => {
      const actual = closes.get(forecast.originTime + stepMs);
      if (actual === undefined) return [];
      return [{ time: forecast.originTime + 2 * stepMs, median: forecast.median[0]!, lower: forecast.lower?.[0] ?? null, upper: forecast.upper?.[0] ?? null, actual }];
    });
    const firstScored = scoredForecasts.find((forecast) => closes.has(forecast.originTime + stepMs));
    const scoredWindow = firstScored === undefined ? null : { from: firstScored.originTime + stepMs, to: newest.time + stepMs };
    record = buildRecord(manifest, maxDays, intervalLevel, scores, stepOne, scoredWindow);
    recordJson = JSON.stringify(record);
    gauges.publish(scores, intervalLevel);
    passes++;
    const details = { newForecasts: made.length, origins: origins.length, samples: scores.steps[0]?.samples ?? 0, complete: scores.overall.samples, ms: Math.round(performance.now() - startedAt) };
    // The first pass scores the whole window: its cost is worth a line; later passes add one candle each.
    if (passes === 1) log.info(details, 'live track record scored');
  }

  async function drain(): Promise<void> {
    while (pending !== undefined && !stopped) {
      const history = pending;
      pending = undefined;
      try {
        await scoreOnce(history);
      } catch (error) {
        log.warn({ error: describeError(error) }, 'scoring the live track record failed; the previous record stays');
      }
    }
  }

  return {
    historyCandles: window + maxOrigins,
    update(history) {
      pending = history;
      running ??= drain().finally(() => {
        running = undefined;
      });
      return running;
    },
    idle: () => running ?? Promise.resolve(),
    latest: () => record,
    latestJson: () => recordJson,
    stop() {
      stopped = true;
    },
  };
}

function emptyScores(horizon: number): TrackRecordScores {
  return scorePastForecasts([], { stepMs: 1, horizon, intervalLevel: null, closeAt: () => undefined });
}

function buildRecord(
  manifest: ServingModel['manifest'],
  maxDays: number,
  intervalLevel: number | null,
  scores: TrackRecordScores,
  forecasts: TrackRecordResponse['forecasts'],
  scored: { from: number; to: number } | null,
): TrackRecordResponse {
  const { exchange, symbol, timeframe } = manifest.market;
  return {
    modelVersion: manifest.version,
    exchange,
    symbol,
    timeframe,
    trainingCutoff: manifest.data.to,
    maxDays,
    scored: { from: scored?.from ?? null, to: scored?.to ?? null },
    quantileLevels: [...manifest.quantiles],
    intervalLevel,
    steps: scores.steps.map((score) => ({ ...score })),
    overall: { ...scores.overall },
    forecasts,
  };
}
