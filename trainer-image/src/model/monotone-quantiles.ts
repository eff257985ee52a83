import * as tf from '@tensorflow/tfjs';
import { medianIndex } from '../../../core/model-weights.ts';

/**
 * C [Q, Q] row-major with out = v · C, where v holds the median's raw value and softplus(raw) elsewhere:
 * out[m] = v[m]; out[q > m] = v[m] + Σ_{m<j≤q} v[j]; out[q < m] = v[m] − Σ_{q≤j<m} v[j] (core/model-weights.ts, step 4).
 */
export function quantileOffsetMatrix(quantiles: readonly number[]): Float32Array {
  const count = quantiles.length;
  const median = medianIndex(quantiles);
  const matrix = new Float32Array(count * count);
  for (let q = 0; q < count; q++) {
    matrix[median * count + q] = 1;
    for (let j = median + 1; j <= q; j++) matrix[j * count + q] = 1;
    for (let j = q; j < median; j++) matrix[j * count + q] = -1;
  }
  return matrix;
}

/** Raw head output [n, horizon, Q] → quantiles that never cross, as one matMul so autograd stays cheap. */
export function monotoneQuantiles(raw: tf.Tensor3D, quantiles: readonly number[]): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, horizon, count] = raw.shape;
    if (count !== quantiles.length) throw new RangeError(`head has ${count} quantile outputs, expected ${quantiles.length}`);
    const isMedian = tf.oneHot(medianIndex(quantiles), count).toFloat();
    const flat = raw.reshape([n * horizon, count]);
    const offsetsOrMedian = tf.add(tf.mul(flat, isMedian), tf.mul(tf.softplus(flat), tf.sub(1, isMedian)));
    const out = tf.matMul(offsetsOrMedian, tf.tensor2d(quantileOffsetMatrix(quantiles), [count, count]));
    return out.reshape([n, horizon, count]);
  });
}
