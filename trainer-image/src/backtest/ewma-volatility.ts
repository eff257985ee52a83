import type { Candle } from '../../../core/candle.ts';

/**
 * RiskMetrics' decay (J.P. Morgan, 1996): σ²_t = λ·σ²_{t−1} + (1 − λ)·r_t². 0.94 is their daily value; on
 * hourly candles it gives a half-life of about 11 candles, which follows intraday volatility bursts.
 */
export const EWMA_LAMBDA = 0.94;

/** Volatility floor, so a stretch of unchanged closes cannot make an interval of zero width or a division by zero. */
const MIN_VOLATILITY = 1e-8;

/** EWMA volatility of one-candle log returns, by candle open time. */
export interface VolatilityHistory {
  /** σ after the close of the candle at `time` (only closes up to it enter); throws for a time not in the series. */
  volatilityAt(time: number): number;
}

/**
 * EWMA volatility over a sorted series. Returns are taken only between adjacent candles (a hole is skipped,
 * not bridged by a multi-candle return); the recursion starts from the first return squared.
 */
export function ewmaVolatility(candles: readonly Candle[], stepMs: number, lambda = EWMA_LAMBDA): VolatilityHistory {
  if (!(lambda > 0 && lambda < 1)) throw new RangeError(`EWMA λ must be between 0 and 1, got ${lambda}`);
  const byTime = new Map<number, number>();
  let variance: number | undefined;
  candles.forEach((candle, i) => {
    const previous = candles[i - 1];
    if (previous && candle.time - previous.time === stepMs) {
      const r = Math.log(candle.close / previous.close);
      variance = variance === undefined ? r * r : lambda * variance + (1 - lambda) * r * r;
    }
    byTime.set(candle.time, Math.max(MIN_VOLATILITY, Math.sqrt(variance ?? 0)));
  });
  return {
    volatilityAt(time) {
      const sigma = byTime.get(time);
      if (sigma === undefined) throw new RangeError(`no candle at ${new Date(time).toISOString()} for EWMA volatility`);
      return sigma;
    },
  };
}
