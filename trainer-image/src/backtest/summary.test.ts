import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../../core/backtest.ts';
import type { HeadlineMetrics } from '../../../core/manifest.ts';
import { headlineMetrics, verdict } from './summary.ts';
import type { Backtest, ForecasterBacktest } from './types.ts';

function forecaster(mae: number[], mase: number[], coverage: number[] | null, directional: [number | null, number][]): ForecasterBacktest {
  return {
    description: 'test forecaster',
    interval: coverage ? 'quantiles 0.1–0.9' : null,
    fallbackSteps: 0,
    steps: mae.map((value, h) => ({
      step: h + 1,
      mae: value,
      rmse: value * 1.5,
      mape: value / 100,
      mase: mase[h]!,
      directionalAccuracy: directional[h]![0],
      directionalCount: directional[h]![1],
      directionalShare: directional[h]![1] / 100,
      coverage: coverage ? coverage[h]! : null,
      winkler: coverage ? 4 * (h + 1) : null,
    })),
  };
}

function comparison(against: string, meanLossDifference: number, pValue: number, words: string): Comparison {
  const test = { against, n: 100, horizon: 2, meanLossDifference, statistic: null, pValue, verdict: words };
  return { overall: test, steps: [test, test] };
}

describe('headlineMetrics', () => {
  it('averages each metric over the horizon, keeps step-1 MASE and pools directional calls over steps', () => {
    // 0.6 of 10 calls and 0.9 of 30 calls: 33 hits of 40 called moves.
    const model = headlineMetrics(forecaster([9.7, 20.2], [0.97, 1.01], [0.8, 0.82], [[0.6, 10], [0.9, 30]]));
    expect(model).toEqual({ mae: 14.95, mase: 0.99, maseStep1: 0.97, directionalAccuracy: 0.825, directionalShare: 0.2, coverage: 0.81, winkler: 6 });
  });

  it('gives a forecaster that never calls a move no directional accuracy', () => {
    expect(headlineMetrics(forecaster([1, 2], [1, 1], null, [[null, 0], [null, 0]])).directionalAccuracy).toBeNull();
  });
});

describe('verdict', () => {
  const metrics: HeadlineMetrics = { mae: 1, mase: 0.996, maseStep1: 1.004, directionalAccuracy: 0.5, coverage: 0.74, winkler: 3 };
  const tests: Backtest['tests'] = {
    median: comparison('naive', 0, 1, 'no evidence of skill vs naive (p = 1)'),
    interval: comparison('ewmaVolatility', 0.2, 0.01, 'worse than ewmaVolatility (p = 0.01)'),
  };

  it('takes its words from the tests, so a MASE a hair under 1 is not called a win', () => {
    expect(verdict(metrics, tests, 0.8)).toBe(
      'median: no evidence of skill vs naive (p = 1), MASE 1.004 at step 1, 0.996 over 2 steps; 80% interval: worse than ewmaVolatility (p = 0.01), covers 74%',
    );
  });

  it('leaves the interval out for a median-only model', () => {
    expect(verdict({ ...metrics, coverage: null }, { ...tests, interval: null }, null)).toBe('median: no evidence of skill vs naive (p = 1), MASE 1.004 at step 1, 0.996 over 2 steps');
  });
});
