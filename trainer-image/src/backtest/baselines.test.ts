import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { ewmaVolatility } from './ewma-volatility.ts';
import { closeHistory, createBaselines, driftForecast, naiveForecast, seasonalNaiveForecast } from './baselines.ts';

const STEP = 3_600_000;
const closes = [10, 12, 11, 14, 13, 16, 15, 18];
const candles: Candle[] = closes.map((close, k) => ({ time: k * STEP, open: close, high: close, low: close, close, volume: 1 }));
// Anchor on the last candle (index 7, close 18); a season of 3 candles, a window of 4, five steps ahead.
const origin = { anchorTime: 7 * STEP, anchorClose: 18 };
const settings = { stepMs: STEP, window: 4, horizon: 5, seasonalPeriod: 3 };

describe('baselines', () => {
  it('naive persistence repeats the anchor close', () => {
    expect(naiveForecast(origin, 5)).toEqual({ closes: [18, 18, 18, 18, 18], fallbackSteps: 0 });
  });

  it('seasonal naive repeats the last season: closes at indices 5, 6, 7, then 5, 6 again', () => {
    expect(seasonalNaiveForecast(origin, closeHistory(candles), settings)).toEqual({ closes: [16, 15, 18, 16, 15], fallbackSteps: 0 });
  });

  it('seasonal naive falls back to the anchor close over a missing candle and counts it', () => {
    const holed = closeHistory(candles.filter((_, k) => k !== 5));
    expect(seasonalNaiveForecast(origin, holed, settings)).toEqual({ closes: [18, 15, 18, 18, 15], fallbackSteps: 2 });
  });

  it('seasonal naive with a one-candle season is naive persistence', () => {
    expect(seasonalNaiveForecast(origin, closeHistory(candles), { ...settings, seasonalPeriod: 1 }).closes).toEqual([18, 18, 18, 18, 18]);
  });

  it('drift extends the line through the window: from 14 (index 3) to 18 is +1 a step', () => {
    expect(driftForecast(origin, closeHistory(candles), settings)).toEqual({ closes: [19, 20, 21, 22, 23], fallbackSteps: 0 });
    // Window 7 starts at index 0 (close 10): slope 8/7.
    const wide = driftForecast(origin, closeHistory(candles), { ...settings, window: 7, horizon: 2 }).closes;
    expect(wide[0]).toBeCloseTo(18 + 8 / 7, 12);
    expect(wide[1]).toBeCloseTo(18 + 16 / 7, 12);
  });

  it('drift refuses a window that starts before the series', () => {
    expect(() => driftForecast(origin, closeHistory(candles), { ...settings, window: 8 })).toThrow(/drift needs the close at 1969-12-31T23:00:00.000Z/);
  });

  it('are created by name with a description each', () => {
    const baselines = createBaselines(closeHistory(candles), settings, ewmaVolatility(candles, STEP));
    expect(Object.keys(baselines)).toEqual(['naive', 'seasonalNaive', 'drift', 'ewmaVolatility']);
    expect(baselines.ewmaVolatility.forecast(origin).closes).toEqual([18, 18, 18, 18, 18]);
    expect(baselines.ewmaVolatility.intervalScale?.(origin)).toBeGreaterThan(0);
    expect(baselines.seasonalNaive.description).toMatch(/one day \(3 candles\)/);
    expect(baselines.drift.forecast(origin).closes).toEqual([19, 20, 21, 22, 23]);
  });
});
