import * as tf from '@tensorflow/tfjs';
import { backwardLayer, SAVED_STEP_KEYS, type LstmLayerSaved } from './lstm-layer-backward.ts';
import { emptyTrace, forwardLayer, gateRows, type LstmLayerTensors, type LstmLayerTrace } from './lstm-layer-forward.ts';
import type { SeededRandom } from './seeded-random.ts';

export type { LstmLayerTensors } from './lstm-layer-forward.ts';

/** Dropout on each layer's output sequence before the next layer reads it (training only). */
export interface InterLayerDropout {
  readonly rate: number;
  readonly random: SeededRandom;
}

/**
 * Stacked LSTM (Keras semantics, zero initial state) over `steps`, ONE [inDim, batch] tensor per time step
 * (feature-major, see batches.ts); returns the last layer's final h as [batch, units].
 * Differentiable with respect to every layer's kernel, recurrent and bias: a custom gradient runs a
 * hand-written backward pass through time instead of taping hundreds of tiny ops per step.
 */
export function lstmStackLastHidden(
  steps: readonly tf.Tensor2D[],
  layers: readonly LstmLayerTensors[],
  dropout?: InterLayerDropout,
): tf.Tensor2D {
  if (steps.length === 0) throw new RangeError('LSTM needs at least one time step');
  if (layers.length === 0) throw new RangeError('LSTM needs at least one layer');
  const stepCount = steps.length;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const traces: LstmLayerTrace[] = [];
    const masks: tf.Tensor2D[][] = [];
    let sequence: readonly tf.Tensor2D[] = steps;
    layers.forEach((layer, l) => {
      const trace = emptyTrace();
      traces.push(trace);
      sequence = forwardLayer(sequence, gateRows(layer), trace);
      if (dropout && dropout.rate > 0 && l < layers.length - 1) {
        const layerMasks = dropoutMasks(stepCount, sequence[0]!.shape[0], sequence[0]!.shape[1], dropout);
        masks.push(layerMasks);
        sequence = sequence.map((h, t) => tf.mul(h, layerMasks[t]!) as tf.Tensor2D);
      }
    });
    // The weight gradient wants every step's [x; h; 1] in one tensor: one concat here, one saved tensor.
    save([
      ...traces.flatMap((trace) => [tf.concat(trace.stacked, 0), ...SAVED_STEP_KEYS.flatMap((key) => trace[key])]),
      ...masks.flat(),
    ]);
    return {
      value: tf.transpose(sequence[stepCount - 1]!) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => backwardStack(tf.transpose(dy) as tf.Tensor2D, saved, layers, stepCount),
    };
  });
  return op(...layers.flatMap((layer) => [layer.kernel, layer.recurrent, layer.bias])) as tf.Tensor2D;
}

/** Inverted-dropout masks [units, batch] per step: 0 with probability `rate`, else 1 / (1 − rate). */
function dropoutMasks(steps: number, units: number, batch: number, dropout: InterLayerDropout): tf.Tensor2D[] {
  const keep = 1 - dropout.rate;
  return Array.from({ length: steps }, () => {
    const values = new Float32Array(units * batch);
    for (let k = 0; k < values.length; k++) values[k] = dropout.random.next() < keep ? 1 / keep : 0;
    return tf.tensor2d(values, [units, batch]);
  });
}

/** Rebuilds the saved traces and masks (in save order) and runs the layers' backward passes top-down. */
function backwardStack(
  dhLast: tf.Tensor2D,
  saved: readonly tf.Tensor[],
  layers: readonly LstmLayerTensors[],
  stepCount: number,
): tf.Tensor[] {
  let offset = 0;
  const take = (count: number): tf.Tensor2D[] => saved.slice(offset, (offset += count)) as tf.Tensor2D[];
  const traces = layers.map((): LstmLayerSaved => {
    const stacked = take(1)[0]!;
    const steps = Object.fromEntries(SAVED_STEP_KEYS.map((key) => [key, take(stepCount)]));
    return { stacked, ...steps } as LstmLayerSaved;
  });
  // Masks were saved only when dropout ran.
  const masks = offset < saved.length ? layers.slice(1).map(() => take(stepCount)) : [];
  const grads: tf.Tensor[][] = [];
  let fromAbove: (t: number) => tf.Tensor2D | undefined = (t) => (t === stepCount - 1 ? dhLast : undefined);
  for (let l = layers.length - 1; l >= 0; l--) {
    const layerGrads = backwardLayer(traces[l]!, layers[l]!, fromAbove, l > 0);
    grads.unshift([layerGrads.kernel, layerGrads.recurrent, layerGrads.bias]);
    const belowMasks = masks[l - 1];
    fromAbove = belowMasks
      ? (t) => tf.mul(layerGrads.inputs[t]!, belowMasks[t]!) as tf.Tensor2D
      : (t) => layerGrads.inputs[t];
  }
  return grads.flat();
}

/** Inference-only forward of the stack (nothing kept for a gradient): the last h as [batch, units]. */
export function lstmStackInference(steps: readonly tf.Tensor2D[], layers: readonly LstmLayerTensors[]): tf.Tensor2D {
  return tf.tidy(() => {
    let sequence: readonly tf.Tensor2D[] = steps;
    for (const layer of layers) sequence = forwardLayer(sequence, gateRows(layer), undefined);
    return tf.transpose(sequence[sequence.length - 1]!) as tf.Tensor2D;
  });
}
