import { describe, expect, it } from 'vitest';
import type { DatasetSample } from './types.ts';
import { gapFreeSplitSizes, minimumCandles, splitChronologically, splitSizes, splitsAreUsable } from './split.ts';

const STEP = 60_000;

/** Samples anchored at the given slot indices; only the anchor time matters to the split. */
function samplesAt(slots: number[]): DatasetSample[] {
  return slots.map((slot) => ({
    anchorIndex: slot,
    anchorTime: slot * STEP,
    anchorClose: 1,
    features: new Float32Array(0),
    targetLogReturns: [],
    targetCloses: [],
  }));
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

describe('splitChronologically', () => {
  it('keeps every train target strictly before the first input candle of validation, and validation before test', () => {
    const window = 4;
    const horizon = 2;
    // Anchors 4..103: 100 samples → test 20, validation 20, train 60 before the purge.
    const split = splitChronologically(samplesAt(range(4, 100)), { validationFraction: 0.2, testFraction: 0.2, stepMs: STEP, window, horizon });
    const lastTarget = (s: DatasetSample[]): number => Math.max(...s.map((x) => x.anchorTime + horizon * STEP));
    const firstInput = (s: DatasetSample[]): number => Math.min(...s.map((x) => x.anchorTime - window * STEP));
    expect(lastTarget(split.train)).toBeLessThan(firstInput(split.validation));
    expect(lastTarget(split.validation)).toBeLessThan(firstInput(split.test));
    // First validation anchor is slot 64, whose first input is slot 60; the last train anchor whose
    // target (anchor + 2) stays below 60 is 57, so anchors 58..63 (window + horizon = 6) go.
    expect(split.train.at(-1)!.anchorIndex).toBe(57);
    expect(split.validation[0]!.anchorIndex).toBe(64);
    expect(split.validation.at(-1)!.anchorIndex).toBe(77);
    expect(split.test[0]!.anchorIndex).toBe(84);
    expect([split.train.length, split.validation.length, split.test.length, split.purged]).toEqual([54, 14, 20, 12]);
  });

  it('purges less where a hole already separates the splits', () => {
    // Anchors 0..59 then, after a long hole, 1000..1039: validation starts at the hole.
    const slots = [...range(0, 60), ...range(1000, 40)];
    const split = splitChronologically(samplesAt(slots), { validationFraction: 0.2, testFraction: 0.2, stepMs: STEP, window: 4, horizon: 2 });
    expect(split.train).toHaveLength(60);
    expect(split.validation[0]!.anchorIndex).toBe(1000);
    expect(split.purged).toBe(6);
  });
});

describe('split sizes', () => {
  it('rounds test and validation shares and gives train the rest', () => {
    expect(splitSizes(389, { validationFraction: 0.15, testFraction: 0.15 })).toEqual({ train: 273, validation: 58, test: 58 });
    expect(gapFreeSplitSizes(400, 8, 3, { validationFraction: 0.15, testFraction: 0.15 })).toEqual({ train: 262, validation: 47, test: 58 });
  });

  it('finds the fewest candles by hand: 137 samples make validation round(20.55) = 21, 10 after an 11-sample purge', () => {
    const fractions = { validationFraction: 0.15, testFraction: 0.15 };
    expect(minimumCandles(8, 3, fractions)).toBe(148);
    expect(splitsAreUsable(gapFreeSplitSizes(147, 8, 3, fractions))).toBe(false);
  });

  it('is a true minimum: every larger candle count also works', () => {
    for (const [window, horizon, validationFraction, testFraction] of [[72, 24, 0.15, 0.15], [8, 1, 0.05, 0.4], [512, 168, 0.4, 0.05]] as const) {
      const fractions = { validationFraction, testFraction };
      const needed = minimumCandles(window, horizon, fractions);
      expect(splitsAreUsable(gapFreeSplitSizes(needed - 1, window, horizon, fractions))).toBe(false);
      for (let candles = needed; candles < needed + 500; candles++) {
        expect(splitsAreUsable(gapFreeSplitSizes(candles, window, horizon, fractions)), `${candles} candles`).toBe(true);
      }
    }
  });

  it('refuses fractions that leave nothing to train on', () => {
    expect(() => minimumCandles(8, 3, { validationFraction: 0.5, testFraction: 0.5 })).toThrow(RangeError);
  });
});
