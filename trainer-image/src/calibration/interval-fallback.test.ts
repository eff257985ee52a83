import { describe, expect, it } from 'vitest';
import { fitIntervalFallback } from './interval-fallback.ts';
import { createSeededRandom } from '../model/seeded-random.ts';

const QUANTILES = [0.1, 0.5, 0.9];

/** n outcomes per step drawn from N(0, sd²), and the same for training. */
function outcomes(n: number, horizon: number, sd: number, seed: number): Float32Array {
  const random = createSeededRandom(seed);
  return Float32Array.from({ length: n * horizon }, () => {
    // Box–Muller.
    const u = Math.max(1e-12, random.next());
    return sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
  });
}

/** Forecasts [n, horizon, 3] with a median of 0 and an interval of ±width(step). */
function forecasts(n: number, horizon: number, width: (h: number) => number): Float32Array {
  return Float32Array.from({ length: n * horizon * 3 }, (_, k) => {
    const h = Math.floor(k / 3) % horizon;
    return [-width(h), 0, width(h)][k % 3]!;
  });
}

describe('fitIntervalFallback', () => {
  const n = 2000;
  const actual = outcomes(n, 2, 0.01, 1);
  const trainActual = outcomes(4000, 2, 0.01, 2);
  // The 80 % interval of N(0, 0.01²) is ±0.0128: step 1 gets it right, step 2 is ten times too narrow.
  const fit = fitIntervalFallback({ predictions: forecasts(n, 2, (h) => (h === 0 ? 0.0128 : 0.00128)), actual, trainActual, horizon: 2, quantiles: QUANTILES });

  it('keeps a network interval that is as good as naive and falls back where it is worse', () => {
    expect(fit.modelWeight[0]).toBeGreaterThanOrEqual(0.5);
    expect(fit.modelWeight[1]).toBeLessThanOrEqual(0.2);
  });

  it("takes naive's offsets from the training outcomes' empirical quantiles, 0 at the median", () => {
    expect(fit.naiveOffset[1]).toBe(0);
    expect(Math.abs(fit.naiveOffset[0]! + 0.0128)).toBeLessThan(0.001);
    expect(Math.abs(fit.naiveOffset[2]! - 0.0128)).toBeLessThan(0.001);
  });

  it('keeps the network where both intervals are identical (a tie is not a reason to fall back)', () => {
    const same = fitIntervalFallback({ predictions: forecasts(4, 1, () => 0.5), actual: Float32Array.of(0, 0.1, -0.1, 0.2), trainActual: Float32Array.of(-0.5, -0.5, 0.5, 0.5), horizon: 1, quantiles: QUANTILES });
    expect(same.modelWeight).toEqual([1]);
  });

  it('needs no fallback for a median-only model and refuses mismatched inputs', () => {
    expect(fitIntervalFallback({ predictions: new Float32Array(4), actual: new Float32Array(4), trainActual: new Float32Array(4), horizon: 2, quantiles: [0.5] }).modelWeight).toEqual([1, 1]);
    expect(() => fitIntervalFallback({ predictions: new Float32Array(5), actual: new Float32Array(4), trainActual: new Float32Array(4), horizon: 2, quantiles: QUANTILES })).toThrow(/do not fit horizon 2/);
  });
});
