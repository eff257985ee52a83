import { describe, expect, it } from 'vitest';
import {
  directionalScore,
  intervalCoverage,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  rootMeanSquaredError,
  winklerScore,
} from './forecast-metrics.ts';

// Errors forecast − actual: +1, −1, +3.
const forecast = [2, 4, 6];
const actual = [1, 5, 3];

describe('point metrics', () => {
  it('MAE is the mean absolute error: (1 + 1 + 3) / 3', () => {
    expect(meanAbsoluteError(forecast, actual)).toBeCloseTo(5 / 3, 12);
  });

  it('RMSE is the root of the mean squared error: √((1 + 1 + 9) / 3)', () => {
    expect(rootMeanSquaredError(forecast, actual)).toBeCloseTo(Math.sqrt(11 / 3), 12);
  });

  it('MAPE is the mean error relative to the actual, in percent: (1/1 + 1/5 + 3/3) / 3 · 100', () => {
    expect(meanAbsolutePercentageError(forecast, actual)).toBeCloseTo(220 / 3, 10);
  });

  it('refuses mismatched or empty inputs', () => {
    expect(() => meanAbsoluteError([1, 2], [1])).toThrow(/differ in length: 2 and 1/);
    expect(() => meanAbsoluteError([], [])).toThrow(/empty/);
  });
});

describe('directionalScore', () => {
  it('scores only the samples where the forecast called a move', () => {
    // Forecast moves: up, down, flat, up; actual: up, up, down, flat → 1 hit of 3 called moves.
    expect(directionalScore([2, 4, 5, 6], [3, 6, 4, 5], [1, 5, 5, 5])).toEqual({ accuracy: 1 / 3, count: 3, share: 0.75 });
  });

  it('gives an always-flat forecast no accuracy rather than 0 %', () => {
    const origin = [10, 10, 10, 10];
    expect(directionalScore(origin, [11, 9, 10, 12], origin)).toEqual({ accuracy: null, count: 0, share: 0 });
  });

  it('refuses inputs of different lengths', () => {
    expect(() => directionalScore([1, 2], [1], [1, 2])).toThrow(/differ in length/);
  });
});

describe('interval metrics', () => {
  // One outcome below, two inside (one on the upper bound), one above the interval [0, 2].
  const lower = [0, 0, 0, 0];
  const upper = [2, 2, 2, 2];
  const outcomes = [-1, 1, 2, 3];

  it('coverage counts outcomes inside the interval, bounds included', () => {
    expect(intervalCoverage(lower, upper, outcomes)).toBe(0.5);
  });

  it('Winkler adds 2/α times the miss to the width: (12 + 2 + 2 + 12) / 4 at an 80% level', () => {
    // α = 0.2, so a miss of 1 costs 10 on top of the width 2.
    expect(winklerScore(lower, upper, outcomes, 0.8)).toBeCloseTo(7, 12);
  });

  it('Winkler of a 50% interval penalises misses by 4', () => {
    expect(winklerScore([10], [12], [9.5], 0.5)).toBeCloseTo(2 + 4 * 0.5, 12);
    expect(winklerScore([10], [12], [13], 0.5)).toBeCloseTo(2 + 4 * 1, 12);
    expect(winklerScore([10], [12], [11], 0.5)).toBeCloseTo(2, 12);
  });

  it('refuses a level outside (0, 1)', () => {
    expect(() => winklerScore(lower, upper, outcomes, 1)).toThrow(/between 0 and 1/);
  });
});
