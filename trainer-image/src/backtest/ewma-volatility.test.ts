import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { ewmaVolatility } from './ewma-volatility.ts';

const STEP = 60_000;
const candle = (k: number, close: number): Candle => ({ time: k * STEP, open: close, high: close, low: close, close, volume: 1 });

describe('ewmaVolatility', () => {
  it('follows σ²_t = λσ²_{t−1} + (1 − λ)r²_t from the first squared return', () => {
    const closes = [100, 110, 99, 99];
    const history = ewmaVolatility(closes.map((c, k) => candle(k, c)), STEP, 0.5);
    const r1 = Math.log(110 / 100);
    const r2 = Math.log(99 / 110);
    const v1 = r1 * r1;
    const v2 = 0.5 * v1 + 0.5 * r2 * r2;
    expect(history.volatilityAt(STEP)).toBeCloseTo(Math.sqrt(v1), 12);
    expect(history.volatilityAt(2 * STEP)).toBeCloseTo(Math.sqrt(v2), 12);
    // An unchanged close decays the variance by λ.
    expect(history.volatilityAt(3 * STEP)).toBeCloseTo(Math.sqrt(0.5 * v2), 12);
  });

  it('uses only closes up to the anchor: a later move does not change an earlier σ', () => {
    const calm = ewmaVolatility([100, 101, 100, 101].map((c, k) => candle(k, c)), STEP);
    const shocked = ewmaVolatility([100, 101, 100, 150].map((c, k) => candle(k, c)), STEP);
    expect(shocked.volatilityAt(2 * STEP)).toBe(calm.volatilityAt(2 * STEP));
    expect(shocked.volatilityAt(3 * STEP)).toBeGreaterThan(calm.volatilityAt(3 * STEP));
  });

  it('does not bridge a hole with a multi-candle return', () => {
    const history = ewmaVolatility([candle(0, 100), candle(1, 100), candle(5, 200)], STEP);
    expect(history.volatilityAt(5 * STEP)).toBe(history.volatilityAt(STEP));
  });

  it('keeps a positive floor over unchanged closes and refuses unknown times', () => {
    const history = ewmaVolatility([100, 100, 100].map((c, k) => candle(k, c)), STEP);
    expect(history.volatilityAt(2 * STEP)).toBeGreaterThan(0);
    expect(() => history.volatilityAt(7 * STEP)).toThrow(/no candle at/);
  });
});
