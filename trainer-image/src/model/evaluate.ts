import * as tf from '@tensorflow/tfjs';
import { rowRange, rowTensor, stepTensors } from './batches.ts';
import { pinballLoss } from './pinball-loss.ts';
import { inferenceQuantiles, type QuantileLstmParams } from './quantile-lstm-model.ts';

/** Windows per inference chunk: big enough to keep the kernels busy, small enough to bound memory. */
export const INFERENCE_CHUNK = 512;

/** A set of normalised windows with their scaled targets. */
export interface EvaluationSet {
  /** [n, window, features] */
  readonly x: Float32Array;
  /** [n, horizon] */
  readonly y: Float32Array;
  readonly window: number;
  readonly features: number;
  readonly horizon: number;
}

/** Mean pinball loss of the model over the whole set, computed chunk by chunk without dropout. */
export function meanPinballLoss(params: QuantileLstmParams, set: EvaluationSet, quantiles: readonly number[]): number {
  const count = set.y.length / set.horizon;
  let total = 0;
  for (let start = 0; start < count; start += INFERENCE_CHUNK) {
    const rows = rowRange(start, Math.min(count, start + INFERENCE_CHUNK));
    const chunkLoss = tf.tidy(() => {
      const steps = stepTensors(set.x, rows, set.window, set.features);
      const predictions = inferenceQuantiles(params, steps, quantiles);
      return pinballLoss(predictions, rowTensor(set.y, rows, set.horizon), quantiles).dataSync()[0]!;
    });
    total += chunkLoss * rows.length;
  }
  return total / count;
}
