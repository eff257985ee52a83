import { describe, expect, it } from 'vitest';
import { dieboldMariano } from './diebold-mariano.ts';

describe('dieboldMariano', () => {
  it('matches a hand-computed Newey–West, HLN-corrected value (forecast::dm.test, varestimator = "bartlett")', () => {
    // d = a − b = [1, −6, 3, −7, 3, 1, 1, −2, 3, −5], mean −0.8; γ0 = 13.76, γ1 = −8.884 (divided by n = 10).
    // h = 2: var = (γ0 + 2·(1 − 1/2)·γ1) / n = 0.4876; HLN factor √((n + 1 − 2h + h(h − 1)/n) / n) = √0.72.
    // DM = −0.8 / √0.4876 · √0.72 = −0.972130; p = 2·P(T9 < −0.972130) = 0.356386 (t density integrated numerically).
    const result = dieboldMariano([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], [2, 7, 1, 8, 2, 8, 1, 8, 2, 8], 2);
    expect(result.n).toBe(10);
    expect(result.meanLossDifference).toBeCloseTo(-0.8, 12);
    expect(result.statistic).toBeCloseTo(-0.97213, 5);
    expect(result.pValue).toBeCloseTo(0.356386, 5);
  });

  it('at h = 1 reduces to a paired t-test scaled by √((n − 1)/n)', () => {
    const a = [1.2, 0.4, 2.2, 0.9, 1.7, 0.3];
    const b = [0.2, 0.5, 0.1, 0.3, 0.6, 0.2];
    const d = a.map((v, i) => v - b[i]!);
    const n = d.length;
    const mean = d.reduce((s, v) => s + v, 0) / n;
    const biasedVariance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
    const expected = (mean / Math.sqrt(biasedVariance / n)) * Math.sqrt((n - 1) / n);
    expect(dieboldMariano(a, b, 1).statistic).toBeCloseTo(expected, 10);
  });

  it('calls identical losses a tie: statistic 0 and p = 1, not a division by zero', () => {
    const losses = [0.5, 1.5, 0.25, 2, 1, 0.75];
    expect(dieboldMariano(losses, [...losses], 3)).toEqual({ n: 6, horizon: 3, meanLossDifference: 0, statistic: 0, pValue: 1 });
  });

  it('treats differences at floating-point noise level as a tie', () => {
    const losses = [100.1, 99.7, 100.3, 101.2, 98.4, 100];
    const noisy = losses.map((v, i) => v * (1 + (i % 2 === 0 ? 1e-13 : -1e-13)));
    expect(dieboldMariano(losses, noisy, 1).pValue).toBe(1);
  });

  it('gives p = 0 when one forecaster is better by the same amount every time', () => {
    const result = dieboldMariano([1, 2, 3, 4, 5], [2, 3, 4, 5, 6], 1);
    expect(result).toMatchObject({ meanLossDifference: -1, statistic: null, pValue: 0 });
  });

  it('refuses series too short for the horizon and series of different lengths', () => {
    expect(() => dieboldMariano([1, 2, 3], [1, 2, 4], 3)).toThrow(/too few for horizon 3/);
    expect(() => dieboldMariano([1, 2, 3], [1, 2], 1)).toThrow(/differ in length/);
  });
});
