import * as tf from '@tensorflow/tfjs';
import { gateBlockScale, type LstmLayerTensors, type LstmLayerTrace } from './lstm-layer-forward.ts';

/** Per-step tensors of a layer's trace that the backward pass reads, in save order. */
export const SAVED_STEP_KEYS = [
  'input', 'forget', 'candidateSigmoid', 'doubledCandidate', 'output', 'doubledCell', 'cellTanh',
] as const satisfies readonly (keyof LstmLayerTrace)[];

/** What the backward pass needs of one layer's forward pass. */
export type LstmLayerSaved = Pick<LstmLayerTrace, (typeof SAVED_STEP_KEYS)[number]> & {
  /** Every step's [x_t; h_{t-1}; 1] stacked step-major: [steps · (inDim + units + 1), batch]. */
  readonly stacked: tf.Tensor2D;
};

/** Gradients of one layer: its parameters, and (when asked) the gradient reaching each input step. */
export interface LstmLayerGradients {
  readonly kernel: tf.Tensor2D;
  readonly recurrent: tf.Tensor2D;
  readonly bias: tf.Tensor1D;
  /** [inDim, batch] per step; empty when the input gradient was not asked for. */
  readonly inputs: readonly tf.Tensor2D[];
}

/**
 * Backpropagation through time for one layer, feature-major like the forward pass. Per step only the
 * elementwise gate algebra and one matMul (two when the layer below needs its gradient) run; the weight
 * gradients are ONE matMul over all steps, [4U, T·batch] × [T·batch, inDim + units + 1].
 * `fromAbove(t)` is the gradient reaching h_t from outside the recurrence, undefined where none does.
 *
 * The step loop computes dPre0 = [dc·2g; dc·c2_{t-1}; dc·i; dh·tanh(c)] ⊙ a(1 − a) with the forward's doubled
 * quantities. The true gradient of the (candidate-doubled) pre-activation is dPre0 scaled per gate block by
 * [½, ½, 2, 1] (undoing 2g and c2, and dĝ = 2·dg), and the weights carry the forward's [1, 1, 2, 1]; both
 * fold into one block scale [½, ½, 4, 1] applied to the weights once instead of to every step.
 */
export function backwardLayer(
  saved: LstmLayerSaved,
  layer: LstmLayerTensors,
  fromAbove: (t: number) => tf.Tensor2D | undefined,
  wantInputGradient: boolean,
): LstmLayerGradients {
  const [inputSize, fourUnits] = layer.kernel.shape;
  const units = fourUnits / 4;
  const steps = saved.input.length;
  const batch = saved.stacked.shape[1];
  const one = tf.scalar(1);
  const blockScale = gateBlockScale(units, [0.5, 0.5, 4, 1]);
  const recurrent = tf.mul(layer.recurrent, blockScale);
  const kernel = wantInputGradient ? tf.mul(layer.kernel, blockScale) : undefined;
  const inputs: tf.Tensor2D[] = [];
  const preActivationGrads: tf.Tensor2D[] = new Array<tf.Tensor2D>(steps);
  let dhRecurrent: tf.Tensor2D | undefined;
  let dcNext: tf.Tensor2D | undefined;
  for (let t = steps - 1; t >= 0; t--) {
    const above = fromAbove(t);
    const dh = above && dhRecurrent ? tf.add(above, dhRecurrent) : (above ?? dhRecurrent);
    if (dh === undefined) throw new Error(`LSTM backward: no gradient reaches step ${t}`);
    const cellTanh = saved.cellTanh[t]!;
    const dOutput = tf.mul(dh, cellTanh);
    let dc = tf.mul(tf.mul(dh, saved.output[t]!), tf.sub(one, tf.square(cellTanh)));
    if (dcNext) dc = tf.add(dc, dcNext);
    const dInput = tf.mul(dc, saved.doubledCandidate[t]!);
    const dForget = t > 0 ? tf.mul(dc, saved.doubledCell[t - 1]!) : tf.zerosLike(dc);
    const dCandidate = tf.mul(dc, saved.input[t]!);
    const gates = tf.concat([saved.input[t]!, saved.forget[t]!, saved.candidateSigmoid[t]!, saved.output[t]!], 0);
    const dGates = tf.concat([dInput, dForget, dCandidate, dOutput], 0);
    const dPre = tf.mul(dGates, tf.mul(gates, tf.sub(one, gates))) as tf.Tensor2D;
    preActivationGrads[t] = dPre;
    if (t > 0) {
      dhRecurrent = tf.matMul(recurrent, dPre) as tf.Tensor2D;
      dcNext = tf.mul(dc, saved.forget[t]!) as tf.Tensor2D;
    }
    if (kernel) inputs[t] = tf.matMul(kernel, dPre) as tf.Tensor2D;
  }
  const width = inputSize + units + 1;
  // Step-major stacks → [4U, T·batch] and [T·batch, width]: one transpose each, then one big matMul.
  const allPre = tf.reshape(tf.transpose(tf.reshape(tf.concat(preActivationGrads, 0), [steps, fourUnits, batch]), [1, 0, 2]), [
    fourUnits,
    steps * batch,
  ]);
  const allStacked = tf.reshape(tf.transpose(tf.reshape(saved.stacked, [steps, width, batch]), [0, 2, 1]), [steps * batch, width]);
  const dRows = tf.mul(tf.transpose(tf.matMul(allPre, allStacked)), blockScale);
  const [dKernel, dRecurrent, dBias] = tf.split(dRows, [inputSize, units, 1], 0) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  return { kernel: dKernel, recurrent: dRecurrent, bias: tf.reshape(dBias, [fourUnits]), inputs };
}
