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
  if (rows === 0) return out;
  // Each candle's ln(1 + volume) is used by two rows; computing it once gives the same values.
  let previousLogVolume = Math.log1p(candles[0]!.volume);
  for (let i = 0; i < rows; i++) {
    const current = candles[i + 1]!;
    const logVolume = Math.log1p(current.volume);
    writeFeatures(candles[i]!, current, logVolume - previousLogVolume, out, i * FEATURE_COUNT);
    previousLogVolume = logVolume;
  }
  return out;
}

/** Write the features of `current` (given the candle before it) into `out` at `offset`. */
export function writeFeatureRow(previous: Candle, current: Candle, out: Float32Array, offset: number): void {
  writeFeatures(previous, current, Math.log1p(current.volume) - Math.log1p(previous.volume), out, offset);
}

function writeFeatures(previous: Candle, current: Candle, logVolumeChange: number, out: Float32Array, offset: number): void {
  out[offset] = Math.log(current.close / previous.close);
  out[offset + 1] = Math.log(current.high / current.low);
  out[offset + 2] = Math.log(current.close / current.open);
  out[offset + 3] = logVolumeChange;
  const calendar = calendarFeatures(current.time);
  out[offset + 4] = calendar[0]!;
  out[offset + 5] = calendar[1]!;
  out[offset + 6] = calendar[2]!;
  out[offset + 7] = calendar[3]!;
}

// The calendar features depend only on the time's position in the week, and candle times repeat the same
// few positions (168 for 1h candles, 10,080 for 1m), so each position's sines and cosines are computed
// once. The key is the position (weekday × DAY_MS + ms of the day): two times with the same key give the
// formula below identical inputs, so a cached value is bit for bit what it would compute.
const calendarCache = new Map<number, Float64Array>();
/** Two weeks of 1-minute positions: never reached by the timeframes in use, a bound against odd inputs. */
const CALENDAR_CACHE_LIMIT = 20_160;

/** [hourSin, hourCos, weekdaySin, weekdayCos] of an open time (ms since the epoch). */
function calendarFeatures(time: number): Float64Array {
  // Only whole non-negative times: there the key is exact and identifies the formula's inputs.
  const key = Number.isSafeInteger(time) && time >= 0 ? ((Math.floor(time / DAY_MS) + 3) % 7) * DAY_MS + (time % DAY_MS) : -1;
  let features = key < 0 ? undefined : calendarCache.get(key);
  if (features === undefined) {
    features = computeCalendarFeatures(time);
    if (key >= 0) {
      if (calendarCache.size >= CALENDAR_CACHE_LIMIT) calendarCache.clear();
      calendarCache.set(key, features);
    }
  }
  return features;
}

function computeCalendarFeatures(time: number): Float64Array {
  const dayFraction = (((time % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
  // 1970-01-01 was a Thursday; shift so that Monday is 0.
  const weekFraction = ((Math.floor(time / DAY_MS) + 3) % 7 + (time % DAY_MS) / DAY_MS) / 7;
  return Float64Array.of(Math.sin(TWO_PI * dayFraction), Math.cos(TWO_PI * dayFraction), Math.sin(TWO_PI * weekFraction), Math.cos(TWO_PI * weekFraction));
}

/** The model input for one forecast: the last `window` feature rows from the last `window + 1` candles. */
export function buildFeatureWindow(candles: readonly Candle[], window: number): Float32Array {
  const needed = candlesForWindow(window);
  if (candles.length < needed) throw new RangeError(`need ${needed} candles for a window of ${window}, got ${candles.length}`);
  return buildFeatureMatrix(candles.slice(candles.length - needed));
}
