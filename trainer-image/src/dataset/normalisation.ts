import { FEATURE_COUNT } from '../../../core/features.ts';
import type { DatasetSample, Normalisation } from './types.ts';

/** Smallest standard deviation used for scaling, so a nearly constant column cannot blow up. */
export const MIN_STD = 1e-6;

/** A scale from a standard deviation: 1 for a constant column (nothing to scale), else floored at MIN_STD. */
export function scaleFromStd(std: number): number {
  return std === 0 ? 1 : Math.max(std, MIN_STD);
}

/**
 * Fit feature mean/std on the distinct feature rows inside the training windows (overlapping windows
 * would otherwise count middle rows up to `window` times) and the per-step target std on the training
 * samples. Only training data is read, so validation and test never leak into the scaling.
 */
export function fitNormalisation(featureRows: Float32Array, train: readonly DatasetSample[], window: number, horizon: number): Normalisation {
  const rows = trainingRowIndices(train, window);
  const featureMean: number[] = [];
  const featureStd: number[] = [];
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const column = rows.map((row) => featureRows[row * FEATURE_COUNT + f]!);
    const { mean, std } = meanAndStd(column);
    featureMean.push(mean);
    featureStd.push(scaleFromStd(std));
  }
  const targetScale: number[] = [];
  for (let h = 0; h < horizon; h++) targetScale.push(scaleFromStd(meanAndStd(train.map((s) => s.targetLogReturns[h]!)).std));
  return { featureMean, featureStd, targetScale };
}

/** Stack sample windows into [samples, window, FEATURE_COUNT], optionally normalised. */
export function stackWindows(samples: readonly DatasetSample[], window: number, normalisation?: Normalisation): Float32Array {
  const size = window * FEATURE_COUNT;
  const out = new Float32Array(samples.length * size);
  samples.forEach((sample, i) => out.set(sample.features, i * size));
  if (normalisation) {
    for (let i = 0; i < out.length; i++) {
      const f = i % FEATURE_COUNT;
      out[i] = (out[i]! - normalisation.featureMean[f]!) / normalisation.featureStd[f]!;
    }
  }
  return out;
}

/** Stack targets into [samples, horizon], each divided by its step's scale. */
export function stackScaledTargets(samples: readonly DatasetSample[], targetScale: readonly number[]): Float32Array {
  const horizon = targetScale.length;
  const out = new Float32Array(samples.length * horizon);
  samples.forEach((sample, i) => {
    for (let h = 0; h < horizon; h++) out[i * horizon + h] = sample.targetLogReturns[h]! / targetScale[h]!;
  });
  return out;
}

function trainingRowIndices(train: readonly DatasetSample[], window: number): number[] {
  const seen = new Set<number>();
  for (const sample of train) {
    for (let row = sample.anchorIndex - window + 1; row <= sample.anchorIndex; row++) seen.add(row);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Mean and population standard deviation; exactly 0 for a constant column, which rounding alone would not promise. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const first = values[0];
  if (first === undefined) return { mean: 0, std: 0 };
  if (values.every((v) => v === first)) return { mean: first, std: 0 };
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
