import * as tf from '@tensorflow/tfjs';

/**
 * Pinball (quantile) loss averaged over samples, horizon steps and quantiles: for error e = y − ŷ_q it is
 * q·e when the forecast is too low and (q − 1)·e when it is too high. predictions [n, horizon, Q],
 * targets [n, horizon].
 */
export function pinballLoss(predictions: tf.Tensor3D, targets: tf.Tensor2D, quantiles: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const q = tf.tensor1d(quantiles as number[]);
    const error = tf.sub(tf.expandDims(targets, 2), predictions);
    return tf.mean(tf.maximum(tf.mul(error, q), tf.mul(error, tf.sub(q, 1)))) as tf.Scalar;
  });
}
