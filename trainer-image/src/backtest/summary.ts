import type { Comparison, DieboldMarianoTest } from '../../../core/backtest.ts';
import type { ComparisonSummary, HeadlineMetrics, MetricsSummary } from '../../../core/manifest.ts';
import { BASELINE_NAMES } from './baselines.ts';
import { roundSignificant } from './significant.ts';
import type { Backtest, ForecasterBacktest, StepMetrics } from './types.ts';

/** Headline metrics for the manifest: horizon averages over all folds, step-1 MASE, the Diebold–Mariano tests and a one-line verdict. */
export function summariseBacktest(backtest: Backtest): MetricsSummary {
  const model = headlineMetrics(backtest.aggregate.model);
  const baselines: Record<string, HeadlineMetrics> = {};
  for (const name of BASELINE_NAMES) baselines[name] = headlineMetrics(backtest.aggregate[name]);
  const median = summariseComparison(backtest.tests.median);
  const interval = backtest.tests.interval && summariseComparison(backtest.tests.interval);
  return {
    model,
    baselines,
    // MASE_h is MAE_h(model) / MAE_h(naive), so the mean of 1 − MASE_h is the mean of 1 − MAE ratios.
    skillVsNaive: roundSignificant(1 - model.mase),
    intervalLevel: backtest.intervalLevel,
    verdict: verdict(model, backtest.tests, backtest.intervalLevel),
    folds: backtest.folds.length,
    tests: { median, interval },
  };
}

/** Averages over the horizon of one forecaster's per-step metrics; directional accuracy pools the called moves of every step. */
export function headlineMetrics(forecaster: ForecasterBacktest): HeadlineMetrics {
  const steps = forecaster.steps;
  const first = steps[0];
  if (!first) throw new RangeError(`forecaster "${forecaster.description}" has no horizon steps`);
  const called = steps.reduce((sum, s) => sum + s.directionalCount, 0);
  const hits = steps.reduce((sum, s) => sum + (s.directionalAccuracy ?? 0) * s.directionalCount, 0);
  return {
    mae: average(steps, (s) => s.mae),
    mase: average(steps, (s) => s.mase),
    maseStep1: first.mase,
    directionalAccuracy: called === 0 ? null : roundSignificant(hits / called),
    directionalShare: average(steps, (s) => s.directionalShare),
    coverage: first.coverage === null ? null : average(steps, (s) => s.coverage ?? Number.NaN),
    winkler: first.winkler === null ? null : average(steps, (s) => s.winkler ?? Number.NaN),
  };
}

/**
 * "median: beats naive (p = 0.003), MASE 0.97 at step 1, 0.99 over 24 steps; 80% interval: no evidence of
 * skill vs ewmaVolatility (p = 0.41), covers 81%". The words come from the Diebold–Mariano tests over the
 * horizon, never from a MASE below 1 alone: a tie is never called a win.
 */
export function verdict(model: HeadlineMetrics, tests: Backtest['tests'], intervalLevel: number | null): string {
  const steps = tests.median.steps.length;
  const median = `median: ${tests.median.overall.verdict}, MASE ${ratio(model.maseStep1)} at step 1, ${ratio(model.mase)} over ${steps === 1 ? '1 step' : `${steps} steps`}`;
  if (intervalLevel === null || !tests.interval || model.coverage === null) return median;
  return `${median}; ${percent(intervalLevel)} interval: ${tests.interval.overall.verdict}, covers ${percent(model.coverage)}`;
}

function summariseComparison(comparison: Comparison): ComparisonSummary {
  const { against, pValue, statistic, meanLossDifference, verdict: words }: DieboldMarianoTest = comparison.overall;
  return { against, pValue, statistic, meanLossDifference, verdict: words };
}

function average(steps: readonly StepMetrics[], value: (step: StepMetrics) => number): number {
  return roundSignificant(steps.reduce((sum, step) => sum + value(step), 0) / steps.length);
}

// Two decimals read well, but a MASE of 0.996 must not print as "1.00".
function ratio(value: number): string {
  return Math.abs(value - 1) < 0.01 && value !== 1 ? value.toFixed(3) : value.toFixed(2);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
