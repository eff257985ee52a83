import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Candle } from '../../../core/candle.ts';
import { buildFeatureMatrix, FEATURE_COUNT } from '../../../core/features.ts';
import { medianIndex } from '../../../core/model-weights.ts';
import type { PastForecast } from './score-past-forecasts.ts';

/** What {@link forecastOrigins} needs of the model. */
export interface OriginForecaster {
  readonly window: number;
  readonly horizon: number;
  readonly quantiles: readonly number[];
  /** Raw model call: `samples` feature windows laid end to end → [samples, horizon, Q] log-returns. */
  run(features: Float32Array, samples: number): Promise<Float32Array>;
}

/** Options of {@link forecastOrigins}. */
export interface ForecastOriginsOptions {
  /** Feature windows per model call; between calls the event loop serves requests. */
  readonly batchSize: number;
  /** Checked between calls: true abandons the rest (the service is shutting down). */
  readonly stopped?: () => boolean;
}

/**
 * The forecasts the model makes at `origins` (indexes into `candles`, each with `window` consecutive
 * candles before it), as prices. Model calls are batched and the event loop gets a turn between them, so
 * scoring a month of candles at start-up delays a request by at most one batch.
 */
export async function forecastOrigins(
  candles: readonly Candle[],
  origins: readonly number[],
  model: OriginForecaster,
  options: ForecastOriginsOptions,
): Promise<PastForecast[]> {
  const { window, horizon, quantiles } = model;
  const inputSize = window * FEATURE_COUNT;
  const forecasts: PastForecast[] = [];
  for (let start = 0; start < origins.length; start += options.batchSize) {
    if (options.stopped?.()) break;
    const batch = origins.slice(start, start + options.batchSize);
    const features = new Float32Array(batch.length * inputSize);
    batch.forEach((origin, i) => features.set(buildFeatureMatrix(candles.slice(origin - window, origin + 1)), i * inputSize));
    const output = await model.run(features, batch.length);
    batch.forEach((origin, i) => forecasts.push(toPrices(candles[origin]!, output.subarray(i * horizon * quantiles.length, (i + 1) * horizon * quantiles.length), horizon, quantiles)));
    await nextTurn();
  }
  return forecasts;
}

/** Median and outer interval prices of one forecast: anchor close · exp(log-return), as the backtest prices them. */
function toPrices(origin: Candle, y: Float32Array, horizon: number, quantiles: readonly number[]): PastForecast {
  const count = quantiles.length;
  const middle = medianIndex(quantiles);
  const price = (h: number, q: number) => origin.close * Math.exp(y[h * count + q]!);
  const median = Float64Array.from({ length: horizon }, (_, h) => price(h, middle));
  if (count < 2) return { originTime: origin.time, anchorClose: origin.close, median, lower: undefined, upper: undefined };
  // Quantile heads can cross on unusual inputs; the interval is the span between the outer two either way.
  const lower = Float64Array.from({ length: horizon }, (_, h) => Math.min(price(h, 0), price(h, count - 1)));
  const upper = Float64Array.from({ length: horizon }, (_, h) => Math.max(price(h, 0), price(h, count - 1)));
  return { originTime: origin.time, anchorClose: origin.close, median, lower, upper };
}
