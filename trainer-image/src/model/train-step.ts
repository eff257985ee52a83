import * as tf from '@tensorflow/tfjs';
import { pinballLoss } from './pinball-loss.ts';
import { parameterList, trainingQuantiles, type QuantileLstmParams, type TrainingDropout } from './quantile-lstm-model.ts';

/** Options of {@link createTrainStep}. */
export interface TrainStepOptions {
  /** Must be variables (see createQuantileLstmVariables). */
  readonly params: QuantileLstmParams;
  readonly optimizer: tf.Optimizer;
  readonly quantiles: readonly number[];
  /** Gradients are rescaled so their global L2 norm is at most this. */
  readonly clipNorm: number;
  readonly dropout?: TrainingDropout | undefined;
}

/** What one optimisation step saw; `applied` is false when the loss or gradient was not finite. */
export interface TrainStepResult {
  readonly loss: number;
  readonly gradientNorm: number;
  readonly applied: boolean;
}

/**
 * One optimisation step on a batch: pinball loss, gradients, clipping by global norm, optimizer update.
 * A non-finite loss or gradient skips the update, so the weights never take a NaN.
 */
export function createTrainStep(options: TrainStepOptions): (steps: readonly tf.Tensor2D[], targets: tf.Tensor2D) => TrainStepResult {
  const { params, optimizer, quantiles, clipNorm, dropout } = options;
  const variables = parameterList(params) as tf.Variable[];
  return function trainStep(steps, targets) {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(
        () => pinballLoss(trainingQuantiles(params, steps, quantiles, dropout), targets, quantiles),
        variables,
      );
      const squaredNorms = variables.map((variable) => tf.sum(tf.square(grads[variable.name]!)));
      const norm = tf.sqrt(tf.addN(squaredNorms));
      // One read for both numbers: each read is a synchronisation point on a GPU backend.
      const [loss = NaN, gradientNorm = NaN] = tf.stack([value, norm]).dataSync();
      if (!Number.isFinite(loss) || !Number.isFinite(gradientNorm)) return { loss, gradientNorm, applied: false };
      const factor = clipNorm / Math.max(gradientNorm, clipNorm);
      const clipped = factor < 1 ? Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, factor)])) : grads;
      optimizer.applyGradients(clipped as tf.NamedTensorMap);
      return { loss, gradientNorm, applied: true };
    });
  };
}
