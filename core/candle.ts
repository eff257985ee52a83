/** One OHLCV candle; `time` is the candle's open time in ms since the Unix epoch (UTC). */
export interface Candle {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
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
