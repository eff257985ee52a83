import type { HeadlineMetrics, MetricsSummary } from '../../../core/manifest.ts';
import { BASELINE_NAMES } from './baselines.ts';
import { roundSignificant } from './significant.ts';
import type { Backtest, ForecasterBacktest, StepMetrics } from './types.ts';

/** Headline metrics for the manifest: horizon averages, step-1 MASE, skill vs naive and a one-line verdict. */
export function summariseBacktest(backtest: Backtest): MetricsSummary {
  const model = headlineMetrics(backtest.forecasters.model);
  const baselines: Record<string, HeadlineMetrics> = {};
  for (const name of BASELINE_NAMES) baselines[name] = headlineMetrics(backtest.forecasters[name]);
  return {
    model,
    baselines,
    // MASE_h is MAE_h(model) / MAE_h(naive), so the mean of 1 − MASE_h is the mean of 1 − MAE ratios.
    skillVsNaive: roundSignificant(1 - model.mase),
    intervalLevel: backtest.intervalLevel,
    verdict: verdict(model, backtest.horizon, backtest.intervalLevel),
  };
}

/** Averages over the horizon of one forecaster's per-step metrics. */
export function headlineMetrics(forecaster: ForecasterBacktest): HeadlineMetrics {
  const steps = forecaster.steps;
  const first = steps[0];
  if (!first) throw new RangeError(`forecaster "${forecaster.description}" has no horizon steps`);
  return {
    mae: average(steps, (s) => s.mae),
    mase: average(steps, (s) => s.mase),
    maseStep1: first.mase,
    directionalAccuracy: average(steps, (s) => s.directionalAccuracy),
    coverage: first.coverage === null ? null : average(steps, (s) => s.coverage ?? Number.NaN),
    winkler: first.winkler === null ? null : average(steps, (s) => s.winkler ?? Number.NaN),
  };
}

/** "beats naive persistence: MASE 0.97 at step 1, 0.99 over 24 steps; 80% interval covers 81%". */
export function verdict(model: HeadlineMetrics, horizon: number, intervalLevel: number | null): string {
  const beats = model.mase < 1 ? 'beats' : 'does not beat';
  const steps = horizon === 1 ? '1 step' : `${horizon} steps`;
  const interval =
    intervalLevel === null || model.coverage === null ? '' : `; ${percent(intervalLevel)} interval covers ${percent(model.coverage)}`;
  return `${beats} naive persistence: MASE ${ratio(model.maseStep1)} at step 1, ${ratio(model.mase)} over ${steps}${interval}`;
}

function average(steps: readonly StepMetrics[], value: (step: StepMetrics) => number): number {
  return roundSignificant(steps.reduce((sum, step) => sum + value(step), 0) / steps.length);
}

// Two decimals read well, but a MASE of 0.996 must not print as "1.00" next to "beats".
function ratio(value: number): string {
  return Math.abs(value - 1) < 0.01 && value !== 1 ? value.toFixed(3) : value.toFixed(2);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
