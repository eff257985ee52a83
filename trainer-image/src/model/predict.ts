import * as tf from '@tensorflow/tfjs';
import { applyIntervalFallback } from '../../../core/interval-fallback.ts';
import { medianIndex, type QuantileLstmWeights } from '../../../core/model-weights.ts';
import { rowRange, stepTensors } from './batches.ts';
import { INFERENCE_CHUNK } from './evaluate.ts';
import { disposeParams, inferenceQuantiles, paramsFromWeights } from './quantile-lstm-model.ts';

/**
 * Forecasts with TensorFlow.js from raw (un-normalised) windows xRaw [n, window, inputSize]: the full
 * contract of core/model-weights.ts, normalisation through × targetScale. Returns [n, horizon, Q] row-major.
 * Runs in chunks so thousands of windows never sit in memory at once.
 */
export function predictQuantiles(weights: QuantileLstmWeights, xRaw: Float32Array): Float32Array {
  const { window, inputSize, horizon, quantiles } = weights;
  const perWindow = window * inputSize;
  if (xRaw.length % perWindow !== 0) {
    throw new RangeError(`xRaw length ${xRaw.length} is not a multiple of window × inputSize = ${perWindow}`);
  }
  for (const [name, length] of [['featureMean', inputSize], ['featureStd', inputSize], ['targetScale', horizon]] as const) {
    if (weights[name].length !== length) throw new RangeError(`weights.${name} has ${weights[name].length} entries, expected ${length}`);
  }
  const count = xRaw.length / perWindow;
  const perForecast = horizon * quantiles.length;
  const out = new Float32Array(count * perForecast);
  const params = paramsFromWeights(weights);
  const targetScale = tf.tensor3d(Float32Array.from(weights.targetScale), [1, horizon, 1]);
  try {
    for (let start = 0; start < count; start += INFERENCE_CHUNK) {
      const rows = rowRange(start, Math.min(count, start + INFERENCE_CHUNK));
      const chunk = tf.tidy(() => {
        const steps = stepTensors(xRaw, rows, window, inputSize, weights);
        return tf.mul(inferenceQuantiles(params, steps, quantiles), targetScale).dataSync();
      });
      out.set(chunk, start * perForecast);
    }
  } finally {
    disposeParams(params);
    targetScale.dispose();
  }
  return weights.intervalFallback ? applyIntervalFallback(out, weights.intervalFallback, horizon, quantiles.length, medianIndex(quantiles)) : out;
}
