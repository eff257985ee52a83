/** One OHLCV candle; `time` is the candle's open time in ms since the Unix epoch (UTC). */
export interface Candle {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Prices a candle may carry, [1e-15, 1e15]: wide of every traded pair (bitcoin in Indonesian rupiah is
 * near 1e9, the cheapest tokens near 1e-9), and narrow enough that everything computed from candles stays
 * finite in float64. With prices in [1/B, B], B = 1e15, window ≥ 8 and horizon ≤ 168 (the spec's limits):
 * - a ratio of two prices is at most B² = 1e30, so every feature and target (a log of one) is within ±70,
 *   finite in float32 too; a price near 5e-324 would make that ratio, and so a feature, infinite;
 * - a drift forecast is at most B·(1 + 168/8) = 22B; a baseline's residual is at most 23B, and divided by
 *   its interval scale (the anchor close, times an EWMA volatility between 1e-8 and 70) at most 2.3e39, so
 *   an interval bound is at most 22B + 70B·2.3e39 ≈ 1.6e56;
 * - the backtest sums over at most 80,000 test samples (40% of 200,000): squared point errors (RMSE) up to
 *   80,000·(23B)² ≈ 4e37, Winkler scores up to 80,000·(2/α ≤ 1.8e16)·2·1.6e56 ≈ 5e77, and even their
 *   squares summed (≈ 1e151) stay far below float64's 1.8e308. Prices near 1e300 overflowed the RMSE sum.
 */
export const MIN_PRICE = 1e-15;
/** The largest price a candle may carry; see {@link MIN_PRICE}. */
export const MAX_PRICE = 1e15;

/** A candle field that no market could have produced, and what is wrong with it. */
export interface CandleProblem {
  readonly field: keyof Candle;
  readonly message: string;
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

/**
 * The first impossible field of `candle` (its time aside): a price that is not finite, not positive or
 * outside [MIN_PRICE, MAX_PRICE], a volume that is negative or not finite, a high below the low, or an
 * open or close outside [low, high]. Undefined when the candle is possible.
 */
export function findCandleProblem(candle: Candle): CandleProblem | undefined {
  for (const field of PRICE_FIELDS) {
    const message = priceProblem(candle[field]);
    if (message !== undefined) return { field, message };
  }
  const { open, high, low, close, volume } = candle;
  if (!Number.isFinite(volume)) return { field: 'volume', message: `${volume} is not a finite number` };
  if (volume < 0) return { field: 'volume', message: `${volume} is negative` };
  if (high < low) return { field: 'high', message: `${high} is below the low of ${low}` };
  for (const [field, price] of [['open', open], ['close', close]] as const) {
    if (price < low) return { field, message: `${price} is below the low of ${low}` };
    if (price > high) return { field, message: `${price} is above the high of ${high}` };
  }
  return undefined;
}

function priceProblem(price: number): string | undefined {
  if (!Number.isFinite(price)) return `${price} is not a finite number`;
  if (price <= 0) return `${price} is not a positive price`;
  if (price < MIN_PRICE) return `${price} is below the smallest price accepted, ${MIN_PRICE}`;
  if (price > MAX_PRICE) return `${price} is above the largest price accepted, ${MAX_PRICE.toExponential()}`;
  return undefined;
}

/** A hole in a candle series: `missing` candles absent between `after` and `before` (open times, ms). */
export interface CandleGap {
  readonly after: number;
  readonly before: number;
  readonly missing: number;
}

/** A maximal run of candles that sit on consecutive slots of the timeframe grid. */
export interface CandleSegment {
  readonly candles: readonly Candle[];
}

/** Sort by time and drop duplicate open times (the later occurrence wins, as exchanges revise). */
export function sortAndDeduplicate(candles: readonly Candle[]): Candle[] {
  const byTime = new Map<number, Candle>();
  for (const candle of candles) byTime.set(candle.time, candle);
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** Holes in a sorted, de-duplicated series on a grid of `stepMs`. */
export function findGaps(candles: readonly Candle[], stepMs: number): CandleGap[] {
  const gaps: CandleGap[] = [];
  for (let i = 1; i < candles.length; i++) {
    const prev = candles[i - 1]!;
    const next = candles[i]!;
    const delta = next.time - prev.time;
    if (delta > stepMs) gaps.push({ after: prev.time, before: next.time, missing: Math.round(delta / stepMs) - 1 });
  }
  return gaps;
}

/** Split a sorted series into gap-free segments, so no window can silently span a hole. */
export function splitIntoSegments(candles: readonly Candle[], stepMs: number): CandleSegment[] {
  const segments: CandleSegment[] = [];
  let start = 0;
  for (let i = 1; i <= candles.length; i++) {
    if (i === candles.length || candles[i]!.time - candles[i - 1]!.time !== stepMs) {
      if (i > start) segments.push({ candles: candles.slice(start, i) });
      start = i;
    }
  }
  return segments;
}
