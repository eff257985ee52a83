import { describe, expect, it } from 'vitest';
import { findCandleProblem, MAX_PRICE, MIN_PRICE, type Candle } from './candle.ts';

const candle: Candle = { time: Date.UTC(2024, 0, 1), open: 100, high: 102, low: 99, close: 101, volume: 10 };

describe('findCandleProblem', () => {
  it('accepts a possible candle, including prices on the bounds and a flat candle with no volume', () => {
    expect(findCandleProblem(candle)).toBeUndefined();
    expect(findCandleProblem({ ...candle, open: MIN_PRICE, high: MAX_PRICE, low: MIN_PRICE, close: MAX_PRICE })).toBeUndefined();
    expect(findCandleProblem({ ...candle, open: 5, high: 5, low: 5, close: 5, volume: 0 })).toBeUndefined();
  });

  it.each([
    ['an open above the high', { open: 103 }, 'open', '103 is above the high of 102'],
    ['an open below the low', { open: 98.5 }, 'open', '98.5 is below the low of 99'],
    ['a close above the high', { close: 102.01 }, 'close', '102.01 is above the high of 102'],
    ['a close below the low', { close: 1 }, 'close', '1 is below the low of 99'],
    ['a high below the low', { high: 98, open: 98, close: 98 }, 'high', '98 is below the low of 99'],
    ['a zero price', { low: 0 }, 'low', '0 is not a positive price'],
    ['a negative price', { high: -1 }, 'high', '-1 is not a positive price'],
    ['a price that is not a number', { close: Number.NaN }, 'close', 'NaN is not a finite number'],
    ['an infinite price', { high: Number.POSITIVE_INFINITY }, 'high', 'Infinity is not a finite number'],
    ['a price above MAX_PRICE', { high: 1e300 }, 'high', '1e+300 is above the largest price accepted, 1e+15'],
    ['a price below MIN_PRICE', { low: 1e-300 }, 'low', '1e-300 is below the smallest price accepted, 1e-15'],
    ['a negative volume', { volume: -0.5 }, 'volume', '-0.5 is negative'],
    ['an infinite volume', { volume: Number.POSITIVE_INFINITY }, 'volume', 'Infinity is not a finite number'],
  ])('refuses %s, naming the field', (_case, patch, field, message) => {
    expect(findCandleProblem({ ...candle, ...patch })).toEqual({ field, message });
  });

  it('keeps every price ratio, and so every feature, finite within the bounds', () => {
    expect(Number.isFinite(Math.log(MAX_PRICE / MIN_PRICE))).toBe(true);
    expect(Math.fround(Math.log(MAX_PRICE / MIN_PRICE))).toBeLessThan(70);
  });
});
