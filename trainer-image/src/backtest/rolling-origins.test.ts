import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { buildDataset } from '../dataset/build-dataset.ts';
import { buildRollingOrigins } from './rolling-origins.ts';

const HOUR = 3_600_000;
const FRACTIONS = { validationFraction: 0.15, testFraction: 0.2 };
const candles: Candle[] = Array.from({ length: 600 }, (_, k) => {
  const close = 100 + 5 * Math.sin(k / 7) + k / 50;
  return { time: k * HOUR, open: close, high: close + 1, low: close - 1, close, volume: 5 + (k % 3) };
});
const dataset = buildDataset(candles, { timeframe: '1h', window: 8, horizon: 3, ...FRACTIONS });

describe('buildRollingOrigins', () => {
  const folds = buildRollingOrigins(dataset, FRACTIONS);
  // 600 candles give 589 samples: a test share of round(589 · 0.2) = 118, cut into 4 blocks of 29.
  const tests = folds.map((f) => f.dataset.test.samples);

  it('cuts the most recent test share into equal, consecutive, non-overlapping blocks ending at the last sample', () => {
    expect(folds.map((f) => f.fold)).toEqual([1, 2, 3, 4]);
    expect(tests.map((t) => t.length)).toEqual([29, 29, 29, 29]);
    expect(tests[3]!.at(-1)!.anchorTime).toBe(dataset.test.samples.at(-1)!.anchorTime);
    for (let k = 1; k < 4; k++) expect(tests[k]![0]!.anchorTime).toBe(tests[k - 1]!.at(-1)!.anchorTime + HOUR);
  });

  it('expands the training window: every fold trains from the first sample up to its own origin, purged', () => {
    for (const { dataset: fold } of folds) {
      expect(fold.train.samples[0]!.anchorTime).toBe(dataset.train.samples[0]!.anchorTime);
      const firstTestInput = fold.test.samples[0]!.anchorTime - 8 * HOUR;
      const firstValidationInput = fold.validation.samples[0]!.anchorTime - 8 * HOUR;
      // No target of an earlier split reaches a later split's inputs.
      expect(fold.validation.samples.at(-1)!.anchorTime + 3 * HOUR).toBeLessThan(firstTestInput);
      expect(fold.train.samples.at(-1)!.anchorTime + 3 * HOUR).toBeLessThan(firstValidationInput);
      // round(589 · 0.15) = 88 validation samples, less the window + horizon = 11 purged before the test block.
      expect(fold.validation.samples).toHaveLength(77);
    }
    const trainSizes = folds.map((f) => f.dataset.train.samples.length);
    expect(trainSizes).toEqual([trainSizes[0], trainSizes[0]! + 29, trainSizes[0]! + 58, trainSizes[0]! + 87]);
  });

  it('fits normalisation on each fold’s own training samples', () => {
    expect(folds[0]!.dataset.normalisation.featureMean).not.toEqual(folds[3]!.dataset.normalisation.featureMean);
    expect(folds[0]!.dataset.test.rawX).toHaveLength(29 * 8 * dataset.featureCount);
  });

  it('refuses folds too small to test', () => {
    expect(() => buildRollingOrigins(dataset, FRACTIONS, 20)).toThrow(BadInputError);
    expect(() => buildRollingOrigins(dataset, FRACTIONS, 20)).toThrow(/rolling-origin fold 1 of 20 is too small/);
  });
});
