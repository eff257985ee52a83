import type { Candle } from './candle.ts';

/**
 * Version of the feature definition below. Bump it whenever a feature changes meaning or order:
 * servers refuse artifacts whose version they do not implement, so training and serving never disagree.
 */
export const FEATURE_SPEC_VERSION = 1;

/** Feature columns, in order, computed for every candle from it and the candle before it. */
export const FEATURE_NAMES = [
  'logReturn', // ln(close_t / close_{t-1})
  'logRange', // ln(high_t / low_t)
  'logBody', // ln(close_t / open_t)
  'logVolumeChange', // ln(1 + volume_t) - ln(1 + volume_{t-1})
  'hourSin',
  'hourCos',
  'weekdaySin',
  'weekdayCos',
] as const;

/** Number of features per time step (F in the model's [batch, window, F] input). */
export const FEATURE_COUNT = FEATURE_NAMES.length;

const DAY_MS = 86_400_000;
const TWO_PI = 2 * Math.PI;

/** Candles needed to build `window` feature rows (each row also looks at the previous candle). */
export function candlesForWindow(window: number): number {
  return window + 1;
}

/**
 * Feature rows for consecutive candles, row-major [candles.length - 1, FEATURE_COUNT]:
 * row i describes candles[i + 1] relative to candles[i]. The caller guarantees the candles are
 * consecutive on the timeframe grid (see splitIntoSegments).
 */
export function buildFeatureMatrix(candles: readonly Candle[]): Float32Array {
  const rows = Math.max(0, candles.length - 1);
  const out = new Float32Array(rows * FEATURE_COUNT);
  for (let i = 0; i < rows; i++) writeFeatureRow(candles[i]!, candles[i + 1]!, out, i * FEATURE_COUNT);
  return out;
}

/** Write the features of `current` (given the candle before it) into `out` at `offset`. */
export function writeFeatureRow(previous: Candle, current: Candle, out: Float32Array, offset: number): void {
  const dayFraction = (((current.time % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
  // 1970-01-01 was a Thursday; shift so that Monday is 0.
  const weekFraction = ((Math.floor(current.time / DAY_MS) + 3) % 7 + (current.time % DAY_MS) / DAY_MS) / 7;
  out[offset] = Math.log(current.close / previous.close);
  out[offset + 1] = Math.log(current.high / current.low);
  out[offset + 2] = Math.log(current.close / current.open);
  out[offset + 3] = Math.log1p(current.volume) - Math.log1p(previous.volume);
  out[offset + 4] = Math.sin(TWO_PI * dayFraction);
  out[offset + 5] = Math.cos(TWO_PI * dayFraction);
  out[offset + 6] = Math.sin(TWO_PI * weekFraction);
  out[offset + 7] = Math.cos(TWO_PI * weekFraction);
}

/** The model input for one forecast: the last `window` feature rows from the last `window + 1` candles. */
export function buildFeatureWindow(candles: readonly Candle[], window: number): Float32Array {
  const needed = candlesForWindow(window);
  if (candles.length < needed) throw new RangeError(`need ${needed} candles for a window of ${window}, got ${candles.length}`);
  return buildFeatureMatrix(candles.slice(candles.length - needed));
}
