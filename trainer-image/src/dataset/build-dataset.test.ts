import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { buildFeatureWindow, FEATURE_COUNT } from '../../../core/features.ts';
import { buildDataset } from './build-dataset.ts';
import { minimumCandles } from './split.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const options = { timeframe: '1h', window: 8, horizon: 3, validationFraction: 0.15, testFraction: 0.15 } as const;

/** Hourly candles with a wavy, rising close; `count` consecutive slots from START. */
function hourlyCandles(count: number): Candle[] {
  return Array.from({ length: count }, (_, k) => {
    const close = 100 * Math.exp(0.02 * Math.sin(k / 5) + 0.0005 * k);
    const open = 100 * Math.exp(0.02 * Math.sin((k - 1) / 5) + 0.0005 * (k - 1));
    return { time: START + k * HOUR, open, high: Math.max(open, close) * 1.01, low: Math.min(open, close) * 0.99, close, volume: 10 + (k % 7) };
  });
}

describe('buildDataset', () => {
  it('builds windows, cumulative log-return targets and target closes around each anchor', () => {
    const candles = hourlyCandles(400);
    const dataset = buildDataset(candles, options);
    // 400 − 8 − 3 = 389 samples; test and validation round(389 · 0.15) = 58 each; 11 purged per boundary.
    expect(dataset.data.samples).toBe(389);
    expect(dataset.data.samplesPurged).toBe(22);
    expect([dataset.train.samples.length, dataset.validation.samples.length, dataset.test.samples.length]).toEqual([262, 47, 58]);

    const sample = dataset.validation.samples[5]!;
    const a = sample.anchorIndex;
    expect(sample.anchorTime).toBe(START + a * HOUR);
    expect(sample.anchorClose).toBe(candles[a]!.close);
    expect([...sample.features]).toEqual([...buildFeatureWindow(candles.slice(a - 8, a + 1), 8)]);
    expect(sample.targetCloses).toEqual([candles[a + 1]!.close, candles[a + 2]!.close, candles[a + 3]!.close]);
    sample.targetLogReturns.forEach((y, h) => expect(y).toBeCloseTo(Math.log(candles[a + h + 1]!.close / candles[a]!.close), 12));
  });

  it('shapes x as [n, window, F], y as [n, horizon] and keeps raw test features', () => {
    const dataset = buildDataset(hourlyCandles(400), options);
    for (const split of [dataset.train, dataset.validation, dataset.test]) {
      expect(split.x).toHaveLength(split.samples.length * 8 * FEATURE_COUNT);
      expect(split.y).toHaveLength(split.samples.length * 3);
      expect(split.range.samples).toBe(split.samples.length);
    }
    const { test } = dataset;
    expect(test.rawX).toHaveLength(test.x.length);
    expect([...test.rawX.subarray(0, 8 * FEATURE_COUNT)]).toEqual([...test.samples[0]!.features]);
    expect(test.range.from).toBe(new Date(test.samples[0]!.anchorTime).toISOString());
    expect(test.range.to).toBe('2024-01-17T12:00:00.000Z'); // the anchor of the last sample: candle 396
    expect(dataset.data).toMatchObject({ from: '2024-01-01T00:00:00.000Z', to: '2024-01-17T15:00:00.000Z', candles: 400, gaps: 0, segments: 1 });
  });

  it('never lets a window or a target span a hole, and reports what the hole cost', () => {
    const candles = hourlyCandles(400).filter((_, k) => k < 100 || k > 104);
    const dataset = buildDataset(candles, options);
    // Runs of 100 and 295 candles give 89 + 284 samples instead of the 384 of one run of 395.
    expect(dataset.data).toMatchObject({ candles: 395, gaps: 1, missingCandles: 5, segments: 2, samples: 373, samplesLostToGaps: 11 });
    const all = [...dataset.train.samples, ...dataset.validation.samples, ...dataset.test.samples];
    for (const sample of all) {
      for (let k = sample.anchorIndex - 8 + 1; k <= sample.anchorIndex + 3; k++) {
        expect(dataset.candles[k]!.time - dataset.candles[k - 1]!.time).toBe(HOUR);
      }
      expect(sample.features.every(Number.isFinite)).toBe(true);
    }
    // The hole sits between 03:00 and 09:00 on day 5: no anchor may be closer than 3 steps before or 8 after it.
    const holeStart = START + 100 * HOUR;
    const holeEnd = START + 104 * HOUR;
    expect(all.some((s) => s.anchorTime > holeStart - 4 * HOUR && s.anchorTime < holeEnd + 9 * HOUR)).toBe(false);
  });

  it('accepts candles out of order and with duplicates', () => {
    const candles = hourlyCandles(400);
    const shuffled = [...candles.slice(200), ...candles.slice(0, 200), candles[7]!];
    const dataset = buildDataset(shuffled, options);
    expect(dataset.candles).toEqual(candles);
    expect(dataset.data.samples).toBe(389);
  });

  it('refuses too little history with the candles needed and how to get them', () => {
    const needed = minimumCandles(8, 3, options);
    expect(needed).toBe(148);
    expect(() => buildDataset(hourlyCandles(148), options)).not.toThrow();
    const error = captureError(() => buildDataset(hourlyCandles(147), options));
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toMatch(/need at least 148 gap-free candles for window 8, horizon 3.*got 147; lower model.window/);
    expect((error as BadInputError).field).toBe('market.lookback');
  });

  it('explains when holes, not the candle count, leave too few samples', () => {
    const candles = hourlyCandles(150).filter((_, k) => k !== 75);
    const error = captureError(() => buildDataset(candles, options));
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toMatch(/got 149 \(1 gap in the candles cost 11 samples; usable after purging: train \d+, validation \d+, test \d+\)/);
  });

  it('names the offending candle and option', () => {
    const candles = hourlyCandles(400);
    candles[12] = { ...candles[12]!, close: 0 };
    expect(() => buildDataset(candles, options)).toThrow(/^candles\[12\]\.close at 2024-01-01T12:00:00.000Z: 0 is not a positive price$/);
    const outside = hourlyCandles(400);
    outside[30] = { ...outside[30]!, open: outside[30]!.high * 2 };
    expect(captureError(() => buildDataset(outside, options))).toMatchObject({ field: 'candles[30].open', message: expect.stringMatching(/^candles\[30\]\.open at .*: [\d.]+ is above the high of [\d.]+$/) });
    const huge = hourlyCandles(400).map((c) => ({ ...c, open: c.open * 1e300, high: c.high * 1e300, low: c.low * 1e300, close: c.close * 1e300 }));
    expect(captureError(() => buildDataset(huge, options)).message).toMatch(/^candles\[0\]\.open at .*: .* is above the largest price accepted, 1e\+15$/);
    expect(() => buildDataset(hourlyCandles(400), { ...options, window: 0 })).toThrow(/model.window: must be a positive integer/);
    expect(() => buildDataset(hourlyCandles(400), { ...options, testFraction: 0.6, validationFraction: 0.4 })).toThrow(BadInputError);
    expect(() => buildDataset(hourlyCandles(400), { ...options, timeframe: '7m' })).toThrow(/timeframe "7m" is not supported/);
  });
});

function captureError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
