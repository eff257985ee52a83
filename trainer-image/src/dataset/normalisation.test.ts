import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { FEATURE_COUNT } from '../../../core/features.ts';
import { buildDataset } from './build-dataset.ts';
import { meanAndStd, scaleFromStd } from './normalisation.ts';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const options = { timeframe: '1d', window: 8, horizon: 3, validationFraction: 0.15, testFraction: 0.15 } as const;

/** Daily candles at midnight UTC with an uneven close path. */
function dailyCandles(count: number): Candle[] {
  return Array.from({ length: count }, (_, k) => {
    const close = 50 + 10 * Math.sin(k / 3) + k / 10;
    return { time: START + k * DAY, open: close * 0.995, high: close * 1.02, low: close * 0.97, close, volume: 100 + ((k * 37) % 11) };
  });
}

describe('normalisation', () => {
  it('takes the mean of the distinct training rows: for log returns it telescopes to ln(close_L / close_0) / L', () => {
    const candles = dailyCandles(300);
    const dataset = buildDataset(candles, options);
    // Training windows cover feature rows 1..L, where L is the last training anchor.
    const last = dataset.train.samples.at(-1)!.anchorIndex;
    expect(dataset.normalisation.featureMean[0]).toBeCloseTo(Math.log(candles[last]!.close / candles[0]!.close) / last, 6);
    // logRange is ln(1.02 / 0.97) on every candle: a constant column scales by 1.
    expect(dataset.normalisation.featureMean[1]).toBeCloseTo(Math.log(1.02 / 0.97), 6);
    expect(dataset.normalisation.featureStd[1]).toBe(1);
  });

  it('scales constant columns by 1: daily candles always open at midnight', () => {
    const dataset = buildDataset(dailyCandles(300), options);
    expect(dataset.normalisation.featureMean[4]).toBeCloseTo(0, 6); // hourSin
    expect(dataset.normalisation.featureStd[4]).toBe(1);
    expect(dataset.normalisation.featureMean[5]).toBeCloseTo(1, 6); // hourCos
    expect(dataset.normalisation.featureStd[5]).toBe(1);
    expect(dataset.normalisation.featureStd[6]).toBeGreaterThan(0.5); // weekdays vary
  });

  it('normalises x with the fitted mean and std and divides y by the per-step train target std', () => {
    const dataset = buildDataset(dailyCandles(300), options);
    const { featureMean, featureStd, targetScale } = dataset.normalisation;
    const sample = dataset.validation.samples[3]!;
    const base = 3 * 8 * FEATURE_COUNT;
    for (let k = 0; k < 8 * FEATURE_COUNT; k++) {
      const f = k % FEATURE_COUNT;
      expect(dataset.validation.x[base + k]).toBeCloseTo((sample.features[k]! - featureMean[f]!) / featureStd[f]!, 4);
    }
    for (let h = 0; h < 3; h++) {
      expect(targetScale[h]).toBeCloseTo(meanAndStd(dataset.train.samples.map((s) => s.targetLogReturns[h]!)).std, 12);
      expect(dataset.validation.y[3 * 3 + h]).toBeCloseTo(sample.targetLogReturns[h]! / targetScale[h]!, 5);
    }
  });

  it('ignores validation and test data entirely', () => {
    const candles = dailyCandles(300);
    const original = buildDataset(candles, options);
    const firstValidationInput = original.validation.samples[0]!.anchorIndex - options.window;
    // Triple the prices and change volumes of every candle validation or test can see.
    const altered = candles.map((c, k) => (k < firstValidationInput ? c : { ...c, open: c.open * 3, high: c.high * 3.3, low: c.low * 2.9, close: c.close * 3, volume: c.volume * 5 + k }));
    const changed = buildDataset(altered, options);
    expect(changed.normalisation).toEqual(original.normalisation);
    expect(changed.train.x).toEqual(original.train.x);
    expect(changed.train.y).toEqual(original.train.y);
    expect(changed.test.rawX).not.toEqual(original.test.rawX);
  });

  it('floors tiny spreads and maps a zero spread to 1', () => {
    expect(scaleFromStd(0)).toBe(1);
    expect(scaleFromStd(1e-9)).toBe(1e-6);
    expect(scaleFromStd(0.3)).toBe(0.3);
    expect(meanAndStd([0.1, 0.1, 0.1])).toEqual({ mean: 0.1, std: 0 });
    expect(meanAndStd([1, 3])).toEqual({ mean: 2, std: 1 });
  });
});
