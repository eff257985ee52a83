import type { DatasetSample } from '../dataset/types.ts';
import type { Baseline } from './baselines.ts';

/** Per-step offsets from a point forecast to its interval bounds: bound = forecast + anchorClose · scale · offset (scale 1 unless the baseline sets one). */
export interface ResidualBounds {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

/** Quantile q of ascending `sorted` values, interpolating linearly between order statistics (Hyndman–Fan type 7). */
export function empiricalQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('empirical quantile of no values');
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/**
 * Interval offsets for a quantile-less baseline: the qLow and qHigh empirical quantiles, per step, of its
 * residuals (actual − forecast) / anchorClose on the training samples. Dividing by the anchor close keeps
 * the width proportional to the price level, which moves a lot between train and test in crypto
 * markets, and unlike a log ratio it stays defined when a drift line runs below zero. A baseline with an
 * interval scale (EWMA volatility) also divides by it, so its offsets are multipliers of that scale.
 */
export function fitResidualBounds(baseline: Baseline, train: readonly DatasetSample[], horizon: number, qLow: number, qHigh: number): ResidualBounds {
  const residuals: number[][] = Array.from({ length: horizon }, () => []);
  for (const sample of train) {
    const { closes } = baseline.forecast(sample);
    const scale = sample.anchorClose * (baseline.intervalScale?.(sample) ?? 1);
    for (let h = 0; h < horizon; h++) residuals[h]!.push((sample.targetCloses[h]! - closes[h]!) / scale);
  }
  const lower: number[] = [];
  const upper: number[] = [];
  for (const step of residuals) {
    step.sort((a, b) => a - b);
    lower.push(empiricalQuantile(step, qLow));
    upper.push(empiricalQuantile(step, qHigh));
  }
  return { lower, upper };
}
