import { describe, expect, it } from 'vitest';
import { randomQuantileLstmWeights, randomRawFeatures } from '../export/test-support/random-quantile-lstm.ts';
import { forwardQuantileLstmReference } from '../model/test-support/reference-forward.ts';
import { applyForecastCalibration, fitForecastCalibration } from './calibrate-forecast.ts';

const QUANTILES = [0.1, 0.5, 0.9];

/** Forecasts [n, 1, 3] with the given medians and a fixed ±spread interval. */
function forecasts(medians: readonly number[], spread: number): Float32Array {
  return Float32Array.from(medians.flatMap((m) => [m - spread, m, m + spread]));
}

describe('fitForecastCalibration', () => {
  it('keeps a median that is exactly right (α = 1)', () => {
    const actual = [0.01, -0.02, 0.03, -0.01, 0.02];
    const cal = fitForecastCalibration({ predictions: forecasts(actual, 0.05), actual: Float32Array.from(actual), horizon: 1, quantiles: QUANTILES });
    expect(cal.medianScale).toEqual([1]);
  });

  it('shrinks a median that is always wrong in sign to the naive forecast (α = 0)', () => {
    const actual = [0.01, -0.02, 0.03, -0.01, 0.02];
    const cal = fitForecastCalibration({ predictions: forecasts(actual.map((a) => -a), 0.05), actual: Float32Array.from(actual), horizon: 1, quantiles: QUANTILES });
    expect(cal.medianScale).toEqual([0]);
  });

  it('picks the α with the lowest absolute error on a hand-computed case', () => {
    // Medians twice the outcome: |a − α·2a| is smallest at α = 0.5.
    const actual = [0.01, -0.02, 0.04];
    const cal = fitForecastCalibration({ predictions: forecasts(actual.map((a) => 2 * a), 1), actual: Float32Array.from(actual), horizon: 1, quantiles: QUANTILES });
    expect(cal.medianScale[0]).toBeCloseTo(0.5, 10);
  });

  it('widens an interval that is too narrow until it covers its nominal share (conformal β)', () => {
    // Zero medians, intervals of ±1, outcomes 1..10 in size: 80% coverage needs β with ⌈11·0.8⌉ = 9th smallest = 9.
    const actual = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1));
    const cal = fitForecastCalibration({ predictions: forecasts(actual.map(() => 0), 1), actual: Float32Array.from(actual), horizon: 1, quantiles: QUANTILES });
    // Every α gives the same error with zero medians, so the rule falls back to naive (α = 0).
    expect(cal.medianScale).toEqual([0]);
    expect(cal.spreadScale[0]).toBeCloseTo(9, 10);
  });

  it('falls back to naive when the median helps by less than validation noise (one-standard-error rule)', () => {
    // α = 1 has the lowest mean error (0.0085 vs 0.01 for α = 0), but the paired differences at α = 0 are
    // [0.004, 0.004, -0.006, 0.004]: mean 0.0015 below their standard error 0.0025, so naive is kept.
    const actual = [0.01, 0.01, -0.01, -0.01];
    const medians = [0.004, 0.004, 0.006, -0.004];
    const cal = fitForecastCalibration({ predictions: forecasts(medians, 0.02), actual: Float32Array.from(actual), horizon: 1, quantiles: QUANTILES });
    expect(cal.medianScale).toEqual([0]);
  });

  it('uses β = 1 when the model forecasts the median alone', () => {
    const cal = fitForecastCalibration({ predictions: Float32Array.from([0.1, 0.2]), actual: Float32Array.from([0.1, 0.2]), horizon: 1, quantiles: [0.5] });
    expect(cal.spreadScale).toEqual([1]);
  });

  it('rejects mismatched shapes', () => {
    expect(() => fitForecastCalibration({ predictions: new Float32Array(5), actual: new Float32Array(2), horizon: 1, quantiles: QUANTILES })).toThrow(RangeError);
  });
});

describe('applyForecastCalibration', () => {
  it('folds α and β into the weights so the forward pass returns α·median + β·(y − median)', () => {
    const weights = randomQuantileLstmWeights({ inputSize: 8, layers: 1, units: 6, window: 5, horizon: 3, quantiles: [0.05, 0.1, 0.5, 0.9, 0.95] }, 5);
    const calibration = { medianScale: [0.25, 1, 0], spreadScale: [2, 0.5, 1.5] };
    const batch = 4;
    const x = randomRawFeatures(weights, batch, 9);
    const before = forwardQuantileLstmReference(weights, x);
    const after = forwardQuantileLstmReference(applyForecastCalibration(weights, calibration), x);
    const q = 5;
    for (let b = 0; b < batch; b++) {
      for (let h = 0; h < 3; h++) {
        const base = (b * 3 + h) * q;
        const median = before[base + 2]!;
        for (let k = 0; k < q; k++) {
          const expected = calibration.medianScale[h]! * median + calibration.spreadScale[h]! * (before[base + k]! - median);
          expect(after[base + k]).toBeCloseTo(expected, 5);
        }
      }
    }
  });
});
