import type { QuantileLstmWeights } from '../../../../core/model-weights.ts';
import { createSeededRandom } from '../../model/seeded-random.ts';

/** Shape of a random test model. */
export interface RandomModelShape {
  readonly inputSize: number;
  readonly units: number;
  readonly window: number;
  readonly horizon: number;
  readonly layers: number;
  readonly quantiles: readonly number[];
}

/** Deterministic uniform generator on [low, high) (the trainer's mulberry32), so failures reproduce exactly. */
export function seededUniform(seed: number): (low: number, high: number) => number {
  const random = createSeededRandom(seed);
  return (low, high) => low + (high - low) * random.next();
}

/**
 * Random weights of the given shape, large enough that every gate saturates differently and the
 * quantile gaps are far from zero, with target scales near 1 so a 1e-5 tolerance stays meaningful.
 */
export function randomQuantileLstmWeights(shape: RandomModelShape, seed: number): QuantileLstmWeights {
  const uniform = seededUniform(seed);
  const fill = (length: number, low: number, high: number): Float32Array =>
    Float32Array.from({ length }, () => uniform(low, high));
  const { inputSize, units, horizon, quantiles } = shape;
  const outputs = horizon * quantiles.length;
  return {
    ...shape,
    featureMean: Array.from(fill(inputSize, -1, 1)),
    featureStd: Array.from(fill(inputSize, 0.5, 2)),
    targetScale: Array.from(fill(horizon, 0.5, 1.5)),
    layers: Array.from({ length: shape.layers }, (_, l) => ({
      kernel: fill((l === 0 ? inputSize : units) * 4 * units, -0.8, 0.8),
      recurrent: fill(units * 4 * units, -0.8, 0.8),
      bias: fill(4 * units, -0.5, 0.5),
    })),
    head: { kernel: fill(units * outputs, -1, 1), bias: fill(outputs, -0.5, 0.5) },
  };
}

/** Random raw features [batch, window, F] spread around the model's feature mean. */
export function randomRawFeatures(weights: QuantileLstmWeights, batch: number, seed: number): Float32Array {
  const uniform = seededUniform(seed);
  const { inputSize, window } = weights;
  return Float32Array.from({ length: batch * window * inputSize }, (_, i) => {
    const f = i % inputSize;
    return weights.featureMean[f]! + weights.featureStd[f]! * uniform(-2, 2);
  });
}
