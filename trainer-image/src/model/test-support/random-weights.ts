import type { QuantileLstmWeights } from '../../../../core/model-weights.ts';
import { createSeededRandom } from '../seeded-random.ts';

/** Shape of a random model for tests. */
export interface RandomWeightsShape {
  readonly inputSize: number;
  readonly units: number;
  readonly layers: number;
  readonly window: number;
  readonly horizon: number;
  readonly quantiles: readonly number[];
}

/** Random weights (uniform ±0.5) with a non-trivial normalisation and target scale, for parity tests. */
export function randomQuantileLstmWeights(shape: RandomWeightsShape, seed: number): QuantileLstmWeights {
  const random = createSeededRandom(seed);
  const uniform = (length: number, spread = 0.5): Float32Array => Float32Array.from({ length }, () => (2 * random.next() - 1) * spread);
  const { inputSize, units, layers, window, horizon, quantiles } = shape;
  return {
    inputSize,
    units,
    window,
    horizon,
    quantiles,
    featureMean: Array.from({ length: inputSize }, () => 2 * random.next() - 1),
    featureStd: Array.from({ length: inputSize }, () => 0.5 + random.next()),
    targetScale: Array.from({ length: horizon }, () => 0.5 + random.next()),
    layers: Array.from({ length: layers }, (_, l) => ({
      kernel: uniform((l === 0 ? inputSize : units) * 4 * units),
      recurrent: uniform(units * 4 * units),
      bias: uniform(4 * units),
    })),
    head: { kernel: uniform(units * horizon * quantiles.length, 1), bias: uniform(horizon * quantiles.length, 1) },
  };
}
