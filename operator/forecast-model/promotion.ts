import type { PromotionPolicy } from '../../core/crd/forecast-model.ts';
import type { PromotionMetric, RunComparison, RunMetrics } from '../../core/crd/metrics.ts';

/** Reasons of promotion decisions, written to TrainingRun status and reused by Events. */
export const PROMOTION_REASONS = {
  always: 'PolicyAlways',
  beatBaseline: 'BeatBaseline',
  baselineNotBeaten: 'BaselineNotBeaten',
  beatCurrent: 'BeatCurrent',
  currentNotBeaten: 'CurrentNotBeaten',
  firstModel: 'FirstModel',
  manual: 'ManuallyPromoted',
  awaitingApproval: 'AwaitingApproval',
  metricMissing: 'MetricMissing',
  noBaseline: 'NoBaseline',
  superseded: 'Superseded',
  /** Recorded after the fact: the inference Deployment was already rolled to the run. */
  alreadyServing: 'AlreadyServing',
} as const;

/** What the promotion policy says about one trained model. */
export interface PromotionDecision {
  readonly outcome: 'promote' | 'reject' | 'wait';
  readonly reason: string;
  readonly message: string;
}

/** Everything a promotion decision looks at. */
export interface PromotionInput {
  readonly policy: PromotionPolicy;
  readonly metric: PromotionMetric;
  readonly candidate: RunMetrics;
  /** Metrics of the model being served, if any. */
  readonly current?: RunMetrics;
  /** Version of the model being served: a candidate's test against the served model counts only for this one. */
  readonly currentVersion?: string;
  /** Nominal coverage of the outer interval (highest minus lowest quantile), for the coverage metric. */
  readonly nominalCoverage: number;
  /** The run carries the promote annotation. */
  readonly manuallyApproved: boolean;
  /** A Diebold–Mariano p-value below this (in the model's favour) counts as beating the other forecaster. */
  readonly significanceLevel: number;
}

/** Metrics of the median forecast, which the trainer's Diebold–Mariano test against naive persistence speaks for. */
const MEDIAN_METRICS: ReadonlySet<PromotionMetric> = new Set(['mase', 'maseStep1', 'skillVsNaive']);

/** The metric as a loss: lower is always better (higher-is-better metrics are negated; coverage is the miss from nominal). */
export function metricLoss(metric: PromotionMetric, metrics: RunMetrics, nominalCoverage: number): number | undefined {
  const value = metrics[metric];
  if (value === null || value === undefined || !Number.isFinite(value)) return undefined;
  switch (metric) {
    case 'skillVsNaive':
    case 'directionalAccuracy':
      return -value;
    case 'coverage':
      return Math.abs(value - nominalCoverage);
    default:
      return value;
  }
}

/** What naive persistence scores on the metric, as a loss; undefined where naive has no such number (intervals). */
function baselineLoss(metric: PromotionMetric, metrics: RunMetrics): number | undefined {
  switch (metric) {
    case 'mase':
      return metrics.naiveMase;
    case 'maseStep1':
      return 1; // MASE is scaled by the naive error, so naive scores exactly 1.
    case 'skillVsNaive':
      return -0;
    case 'directionalAccuracy':
      return -0.5; // Persistence predicts no move; a coin flip is the bar for calling direction.
    default:
      return undefined;
  }
}

const show = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(1) : n.toFixed(4));

/** Promote only on significant evidence, by the trainer's Diebold–Mariano test, that the model beats the other forecaster. */
function judgeByTest(test: RunComparison, significanceLevel: number, which: string, reasons: { readonly promote: string; readonly reject: string }): PromotionDecision {
  const p = `p = ${Number(test.pValue.toPrecision(2))}`;
  if (test.pValue < significanceLevel && test.meanLossDifference < 0) {
    return { outcome: 'promote', reason: reasons.promote, message: `${which}: beats ${test.against} (${p} < ${significanceLevel})` };
  }
  const finding = test.meanLossDifference > 0 && test.pValue < significanceLevel ? `worse than ${test.against} (${p})` : `no evidence of skill vs ${test.against} (${p}, needs < ${significanceLevel})`;
  return { outcome: 'reject', reason: reasons.reject, message: `${which}: ${finding}` };
}

/** Decide whether a trained model replaces the served one. Pure; a strict (or, where the run carries a test, significant) improvement is required. */
export function decidePromotion(input: PromotionInput): PromotionDecision {
  const { policy, metric, candidate, current } = input;
  if (input.manuallyApproved) return { outcome: 'promote', reason: PROMOTION_REASONS.manual, message: 'promoted by the promote annotation' };
  if (policy === 'Always') return { outcome: 'promote', reason: PROMOTION_REASONS.always, message: 'policy Always promotes every trained model' };
  if (policy === 'Manual') return { outcome: 'wait', reason: PROMOTION_REASONS.awaitingApproval, message: 'policy Manual: annotate the TrainingRun forecasting.makeusrich.io/promote=true to serve it' };
  const loss = metricLoss(metric, candidate, input.nominalCoverage);
  if (loss === undefined) return { outcome: 'reject', reason: PROMOTION_REASONS.metricMissing, message: `the run reports no ${metric}` };
  if (policy === 'BeatBaseline') {
    const test = candidate.medianTest;
    // The test speaks for the median; a run from a trainer without it falls back to the metric comparison.
    if (test && MEDIAN_METRICS.has(metric)) {
      return judgeByTest(test, input.significanceLevel, `Diebold–Mariano test of the median against ${test.against} over the rolling-origin backtest`, {
        promote: PROMOTION_REASONS.beatBaseline,
        reject: PROMOTION_REASONS.baselineNotBeaten,
      });
    }
    const baseline = baselineLoss(metric, candidate);
    if (baseline === undefined) return { outcome: 'reject', reason: PROMOTION_REASONS.noBaseline, message: `naive persistence has no ${metric} to beat` };
    const value = candidate[metric] as number;
    const naive = metric === 'mase' ? candidate.naiveMase : Math.abs(baseline);
    return loss < baseline
      ? { outcome: 'promote', reason: PROMOTION_REASONS.beatBaseline, message: `${metric} ${show(value)} beats naive ${show(naive)}` }
      : { outcome: 'reject', reason: PROMOTION_REASONS.baselineNotBeaten, message: `${metric} ${show(value)} does not beat naive ${show(naive)}` };
  }
  if (!current) return { outcome: 'promote', reason: PROMOTION_REASONS.firstModel, message: 'no model is being served yet' };
  // The trainer tested against the model served when it started; it counts only if that model still serves.
  const test = candidate.currentTest;
  if (test && MEDIAN_METRICS.has(metric) && test.against === input.currentVersion) {
    return judgeByTest(test, input.significanceLevel, 'Diebold–Mariano test of the median against the served model on forecasts neither trained on', {
      promote: PROMOTION_REASONS.beatCurrent,
      reject: PROMOTION_REASONS.currentNotBeaten,
    });
  }
  const currentLoss = metricLoss(metric, current, input.nominalCoverage);
  const value = candidate[metric] as number;
  if (currentLoss === undefined) return { outcome: 'promote', reason: PROMOTION_REASONS.beatCurrent, message: `the served model reports no ${metric}` };
  return loss < currentLoss
    ? { outcome: 'promote', reason: PROMOTION_REASONS.beatCurrent, message: `${metric} ${show(value)} beats the served model's ${show(current[metric] as number)}` }
    : { outcome: 'reject', reason: PROMOTION_REASONS.currentNotBeaten, message: `${metric} ${show(value)} does not beat the served model's ${show(current[metric] as number)}` };
}
