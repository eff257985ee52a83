import * as tf from '@tensorflow/tfjs';

/** Per-feature affine map applied while gathering windows: (x − mean) / std. */
export interface FeatureNormalisation {
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
}

/**
 * The LSTM's input for a batch: one feature-major tensor per time step, [features, rows.length], column b
 * holding window rows[b] of x [n, window, features] (row-major, sample-major). Gathered in plain JS so no
 * tensor is ever sliced per step; normalised on the way when `normalisation` is given.
 */
export function stepTensors(
  x: Float32Array,
  rows: ArrayLike<number>,
  window: number,
  features: number,
  normalisation?: FeatureNormalisation,
): tf.Tensor2D[] {
  const batch = rows.length;
  const shift = Float64Array.from({ length: features }, (_, f) => normalisation?.featureMean[f] ?? 0);
  const scale = Float64Array.from({ length: features }, (_, f) => normalisation?.featureStd[f] ?? 1);
  return Array.from({ length: window }, (_, t) => {
    const values = new Float32Array(features * batch);
    for (let b = 0; b < batch; b++) {
      const source = (rows[b]! * window + t) * features;
      for (let f = 0; f < features; f++) values[f * batch + b] = (x[source + f]! - shift[f]!) / scale[f]!;
    }
    return tf.tensor2d(values, [features, batch]);
  });
}

/** Rows `rows` of y [n, width] (row-major) as a [rows.length, width] tensor. */
export function rowTensor(y: Float32Array, rows: ArrayLike<number>, width: number): tf.Tensor2D {
  const values = new Float32Array(rows.length * width);
  for (let b = 0; b < rows.length; b++) values.set(y.subarray(rows[b]! * width, (rows[b]! + 1) * width), b * width);
  return tf.tensor2d(values, [rows.length, width]);
}

/** [start, start + 1, …, end − 1]: the rows of one chunk of an unshuffled pass. */
export function rowRange(start: number, end: number): Int32Array {
  return Int32Array.from({ length: end - start }, (_, k) => start + k);
}
