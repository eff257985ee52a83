import { describe, expect, it } from 'vitest';
import type { Candle } from './candle.ts';
import { buildFeatureMatrix, buildFeatureWindow, candlesForWindow, FEATURE_COUNT, FEATURE_NAMES, writeFeatureRow } from './features.ts';

const HOUR = 3_600_000;
// 2024-01-01 was a Monday.
const MONDAY_MIDNIGHT = Date.UTC(2024, 0, 1);

// Three 6-hour candles: Monday 00:00, 06:00 and 12:00 UTC.
const candles: Candle[] = [
  { time: MONDAY_MIDNIGHT, open: 100, high: 110, low: 90, close: 105, volume: 10 },
  { time: MONDAY_MIDNIGHT + 6 * HOUR, open: 104, high: 120, low: 100, close: 115, volume: 20 },
  { time: MONDAY_MIDNIGHT + 12 * HOUR, open: 116, high: 118, low: 108, close: 110, volume: 5 },
];

function row(matrix: Float32Array, index: number): number[] {
  return [...matrix.subarray(index * FEATURE_COUNT, (index + 1) * FEATURE_COUNT)];
}

function expectRow(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  // Features are stored as float32: about 7 significant digits.
  expected.forEach((value, i) => expect(actual[i], FEATURE_NAMES[i]).toBeCloseTo(value, 6));
}

describe('buildFeatureMatrix', () => {
  it('describes each candle against the one before it, in FEATURE_NAMES order', () => {
    const matrix = buildFeatureMatrix(candles);
    expect(FEATURE_COUNT).toBe(8);
    expect(matrix).toHaveLength(2 * FEATURE_COUNT);
    // 06:00 on Monday: a quarter of the day and (0 + 0.25) / 7 of the week.
    expectRow(row(matrix, 0), [
      0.0909717782, // ln(115 / 105)
      0.1823215568, // ln(120 / 100)
      0.1005412292, // ln(115 / 104)
      0.6466271649, // ln(21) - ln(11)
      1, // sin(2π · 0.25)
      0, // cos(2π · 0.25)
      0.2225209340, // sin(2π · 0.25 / 7) = sin(π / 14)
      0.9749279122, // cos(π / 14)
    ]);
    // 12:00 on Monday: half the day and 0.5 / 7 of the week.
    expectRow(row(matrix, 1), [
      -0.0444517626, // ln(110 / 115)
      0.0885533973, // ln(118 / 108)
      -0.0531098253, // ln(110 / 116)
      -1.2527629685, // ln(6) - ln(21)
      0, // sin(π)
      -1, // cos(π)
      0.4338837391, // sin(π / 7)
      0.9009688679, // cos(π / 7)
    ]);
  });

  it('returns no rows for fewer than two candles', () => {
    expect(buildFeatureMatrix([])).toHaveLength(0);
    expect(buildFeatureMatrix(candles.slice(0, 1))).toHaveLength(0);
  });
});

describe('weekday and hour encoding', () => {
  function encodeAt(time: number): number[] {
    const out = new Float32Array(FEATURE_COUNT);
    const candle = { time, open: 1, high: 1, low: 1, close: 1, volume: 0 };
    writeFeatureRow(candle, candle, out, 0);
    return [...out.subarray(4)];
  }

  it('puts Monday 00:00 UTC at the start of the week', () => {
    expectRow(encodeAt(Date.UTC(1970, 0, 5)), [0, 1, 0, 1]);
  });

  it('places the epoch, a Thursday, at 3/7 of the week', () => {
    // sin(2π · 3/7) = sin(6π/7), cos(6π/7)
    expectRow(encodeAt(0), [0, 1, 0.4338837391, -0.9009688679]);
  });

  it('places Sunday 18:00 just before the week wraps to Monday', () => {
    // 2024-01-07 18:00 UTC: (6 + 0.75) / 7 of the week, so the angle is 2π − π/14.
    expectRow(encodeAt(Date.UTC(2024, 0, 7, 18)), [-1, 0, -0.2225209340, 0.9749279122]);
  });

  it('gives zero price features for a flat candle and an unchanged volume', () => {
    const out = new Float32Array(FEATURE_COUNT);
    const candle = { time: MONDAY_MIDNIGHT, open: 50, high: 50, low: 50, close: 50, volume: 7 };
    writeFeatureRow(candle, candle, out, 0);
    expect([...out.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
  });
});

describe('buildFeatureWindow', () => {
  it('needs window + 1 candles and uses the most recent ones', () => {
    expect(candlesForWindow(2)).toBe(3);
    const window = buildFeatureWindow(candles, 1);
    expect(window).toHaveLength(FEATURE_COUNT);
    expect([...window]).toEqual(row(buildFeatureMatrix(candles), 1));
  });

  it('refuses too few candles with the counts in the message', () => {
    expect(() => buildFeatureWindow(candles, 3)).toThrow(/need 4 candles for a window of 3, got 3/);
  });
});

describe('feature values are exactly those of the defining formulas', () => {
  // The formulas of FEATURE_NAMES written out directly, as the reference the optimised builder must match bit for bit.
  function referenceRow(previous: Candle, current: Candle): number[] {
    const dayMs = 86_400_000;
    const dayFraction = (((current.time % dayMs) + dayMs) % dayMs) / dayMs;
    const weekFraction = ((Math.floor(current.time / dayMs) + 3) % 7 + (current.time % dayMs) / dayMs) / 7;
    return [
      Math.log(current.close / previous.close),
      Math.log(current.high / current.low),
      Math.log(current.close / current.open),
      Math.log1p(current.volume) - Math.log1p(previous.volume),
      Math.sin(2 * Math.PI * dayFraction),
      Math.cos(2 * Math.PI * dayFraction),
      Math.sin(2 * Math.PI * weekFraction),
      Math.cos(2 * Math.PI * weekFraction),
    ].map(Math.fround);
  }

  it('matches for hourly and minute series over several weeks, asked twice, and for odd times', () => {
    let seed = 17;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const series = (start: number, stepMs: number, count: number): Candle[] =>
      Array.from({ length: count }, (_, i) => {
        const close = 100 + random() * 50;
        return { time: start + i * stepMs, open: close * (1 + (random() - 0.5) / 50), high: close * 1.03, low: close * 0.97, close, volume: random() * 1000 };
      });
    const hourly = series(Date.UTC(2024, 0, 1, 7), HOUR, 24 * 7 * 3 + 5);
    const minutes = series(Date.UTC(2025, 5, 30, 23, 1), 60_000, 3_000);
    // Before the epoch, off the millisecond grid, and far in the future: computed without the cache.
    const odd: Candle[] = [-1, -HOUR * 30.5, 0.25, 1.5e12 + 0.5, 8.64e15, Date.UTC(2024, 0, 1)].map((time) => ({ time, open: 1, high: 2, low: 1, close: 1.5, volume: 3 }));
    for (const candlesOfTest of [hourly, minutes, hourly, odd]) {
      const matrix = buildFeatureMatrix(candlesOfTest);
      for (let i = 1; i < candlesOfTest.length; i++) {
        const expected = referenceRow(candlesOfTest[i - 1]!, candlesOfTest[i]!);
        const actual = [...matrix.subarray((i - 1) * FEATURE_COUNT, i * FEATURE_COUNT)];
        // toEqual on numbers is Object.is: bit for bit, and NaN equals NaN.
        expect(actual, `row ${i} at ${candlesOfTest[i]!.time}`).toEqual(expected);
        const single = new Float32Array(FEATURE_COUNT);
        writeFeatureRow(candlesOfTest[i - 1]!, candlesOfTest[i]!, single, 0);
        expect([...single]).toEqual(expected);
      }
    }
  });
});
