import { createSeededRandom } from '../seeded-random.ts';

/** Normalised windows and scaled targets with a learnable link between them. */
export interface SyntheticWindows {
  /** [n, window, features] */
  readonly x: Float32Array;
  /** [n, horizon] */
  readonly y: Float32Array;
}

/**
 * Windows of Gaussian features whose targets depend on the last two steps (plus noise): a model that reads
 * the end of the sequence beats a constant forecast by a wide margin, one that does not cannot.
 */
export function syntheticWindows(count: number, window: number, features: number, horizon: number, seed: number): SyntheticWindows {
  const random = createSeededRandom(seed);
  const x = Float32Array.from({ length: count * window * features }, () => random.normal());
  const y = new Float32Array(count * horizon);
  for (let n = 0; n < count; n++) {
    const last = x[(n * window + window - 1) * features]!;
    const previous = x[(n * window + window - 2) * features + (features - 1)]!;
    for (let h = 0; h < horizon; h++) {
      y[n * horizon + h] = 0.8 * last + 0.4 * (h + 1) * previous + 0.1 * random.normal();
    }
  }
  return { x, y };
}
