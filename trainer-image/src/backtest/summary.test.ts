import { describe, expect, it } from 'vitest';
import type { HeadlineMetrics } from '../../../core/manifest.ts';
import { summariseBacktest, verdict } from './summary.ts';
import { BACKTEST_SCHEMA_VERSION, type Backtest, type ForecasterBacktest } from './types.ts';

function forecaster(mae: number[], mase: number[], coverage: number[] | null): ForecasterBacktest {
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
      directionalAccuracy: 0.5 + h / 10,
      coverage: coverage ? coverage[h]! : null,
      winkler: coverage ? 4 * (h + 1) : null,
    })),
  };
}

function backtestOf(model: ForecasterBacktest): Backtest {
  return {
    schemaVersion: BACKTEST_SCHEMA_VERSION,
    timeframe: '1h',
    window: 8,
    horizon: 2,
    quantiles: [0.1, 0.5, 0.9],
    intervalLevel: 0.8,
    test: { from: '2024-01-01T00:00:00.000Z', to: '2024-01-02T00:00:00.000Z', samples: 25 },
    definitions: {},
    forecasters: {
      model,
      naive: forecaster([10, 20], [1, 1], [0.7, 0.75]),
      seasonalNaive: forecaster([12, 22], [1.2, 1.1], [0.6, 0.7]),
      drift: forecaster([11, 19], [1.1, 0.95], [0.8, 0.9]),
    },
    predictions: [],
  };
}

describe('summariseBacktest', () => {
  it('averages each metric over the horizon and keeps step-1 MASE', () => {
    const summary = summariseBacktest(backtestOf(forecaster([9.7, 20.2], [0.97, 1.01], [0.8, 0.82])));
    expect(summary.model).toEqual({ mae: 14.95, mase: 0.99, maseStep1: 0.97, directionalAccuracy: 0.55, coverage: 0.81, winkler: 6 });
    expect(summary.baselines.drift).toEqual({ mae: 15, mase: 1.025, maseStep1: 1.1, directionalAccuracy: 0.55, coverage: 0.85, winkler: 6 });
    // 1 − mean(MAE_h(model) / MAE_h(naive)) = 1 − (0.97 + 1.01) / 2.
    expect(summary.skillVsNaive).toBeCloseTo(0.01, 12);
    expect(summary.intervalLevel).toBe(0.8);
    expect(summary.verdict).toBe('beats naive persistence: MASE 0.97 at step 1, 0.99 over 2 steps; 80% interval covers 81%');
  });

  it('says so when the model does not beat naive persistence', () => {
    const summary = summariseBacktest(backtestOf(forecaster([9, 22], [0.9, 1.1], [0.7, 0.74])));
    expect(summary.skillVsNaive).toBeCloseTo(0, 12);
    expect(summary.verdict).toBe('does not beat naive persistence: MASE 0.90 at step 1, 1.00 over 2 steps; 80% interval covers 72%');
  });
});

describe('verdict', () => {
  const metrics: HeadlineMetrics = { mae: 1, mase: 0.996, maseStep1: 1.004, directionalAccuracy: 0.5, coverage: null, winkler: null };

  it('shows a third decimal rather than print a near-1 MASE as 1.00', () => {
    expect(verdict(metrics, 24, null)).toBe('beats naive persistence: MASE 1.004 at step 1, 0.996 over 24 steps');
  });

  it('says "1 step" for a one-step horizon', () => {
    expect(verdict({ ...metrics, mase: 1.2, maseStep1: 1.2 }, 1, null)).toBe('does not beat naive persistence: MASE 1.20 at step 1, 1.20 over 1 step');
  });
});
