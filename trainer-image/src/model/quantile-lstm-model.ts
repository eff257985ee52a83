import * as tf from '@tensorflow/tfjs';
import type { QuantileLstmWeights } from '../../../core/model-weights.ts';
import { lstmStackInference, lstmStackLastHidden, type LstmLayerTensors } from './fused-lstm.ts';
import { glorotUniform, lstmBias, orthogonal } from './initializers.ts';
import { monotoneQuantiles } from './monotone-quantiles.ts';
import type { SeededRandom } from './seeded-random.ts';

/** Shape of the quantile LSTM. */
export interface QuantileLstmArchitecture {
  readonly features: number;
  readonly units: number;
  readonly layers: number;
  readonly horizon: number;
  readonly quantiles: readonly number[];
}

/** The model's parameters as tensors: variables while training, constants when predicting. */
export interface QuantileLstmParams {
  readonly layers: readonly LstmLayerTensors[];
  /** [units, horizon·Q], output index step·Q + q */
  readonly headKernel: tf.Tensor2D;
  /** [horizon·Q] */
  readonly headBias: tf.Tensor1D;
}

/** Fresh trainable parameters with Keras' default initialisers (Glorot kernels, orthogonal recurrent, unit forget bias). */
export function createQuantileLstmVariables(architecture: QuantileLstmArchitecture, random: SeededRandom): QuantileLstmParams {
  const { features, units, layers, horizon, quantiles } = architecture;
  const outputs = horizon * quantiles.length;
  // The tidy frees the initial-value tensors; variables always survive it.
  return tf.tidy(() => ({
    layers: Array.from({ length: layers }, (_, l) => {
      const inputSize = l === 0 ? features : units;
      return {
        kernel: tf.variable(tf.tensor2d(glorotUniform(inputSize, 4 * units, random), [inputSize, 4 * units])),
        recurrent: tf.variable(tf.tensor2d(orthogonal(units, 4 * units, random), [units, 4 * units])),
        bias: tf.variable(tf.tensor1d(lstmBias(units))),
      };
    }),
    headKernel: tf.variable(tf.tensor2d(glorotUniform(units, outputs, random), [units, outputs])),
    headBias: tf.variable(tf.zeros([outputs])),
  })) as QuantileLstmParams;
}

/** Every parameter tensor in a fixed order (layers' kernel, recurrent, bias, then the head). */
export function parameterList(params: QuantileLstmParams): tf.Tensor[] {
  return [...params.layers.flatMap((layer) => [layer.kernel, layer.recurrent, layer.bias]), params.headKernel, params.headBias];
}

/** Frees every parameter tensor. */
export function disposeParams(params: QuantileLstmParams): void {
  for (const tensor of parameterList(params)) tensor.dispose();
}

/** Constant parameter tensors from exported weights, for prediction; a RangeError names an array of the wrong size. */
export function paramsFromWeights(weights: QuantileLstmWeights): QuantileLstmParams {
  const { inputSize, units, horizon, quantiles } = weights;
  const outputs = horizon * quantiles.length;
  const expect = (name: string, array: Float32Array, length: number): void => {
    if (array.length !== length) throw new RangeError(`weights.${name} has ${array.length} values, expected ${length}`);
  };
  if (weights.layers.length === 0) throw new RangeError('weights.layers must hold at least one LSTM layer');
  weights.layers.forEach((layer, l) => {
    expect(`layers[${l}].kernel`, layer.kernel, (l === 0 ? inputSize : units) * 4 * units);
    expect(`layers[${l}].recurrent`, layer.recurrent, units * 4 * units);
    expect(`layers[${l}].bias`, layer.bias, 4 * units);
  });
  expect('head.kernel', weights.head.kernel, units * outputs);
  expect('head.bias', weights.head.bias, outputs);
  return {
    layers: weights.layers.map((layer, l) => ({
      kernel: tf.tensor2d(layer.kernel, [l === 0 ? inputSize : units, 4 * units]),
      recurrent: tf.tensor2d(layer.recurrent, [units, 4 * units]),
      bias: tf.tensor1d(layer.bias),
    })),
    headKernel: tf.tensor2d(weights.head.kernel, [units, outputs]),
    headBias: tf.tensor1d(weights.head.bias),
  };
}

/** The non-trainable parts of {@link QuantileLstmWeights}: input window and the normalisation around the network. */
export interface QuantileLstmFrame {
  readonly window: number;
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  readonly targetScale: readonly number[];
  readonly quantiles: readonly number[];
}

/** Copies the parameters out as framework-free {@link QuantileLstmWeights}. */
export async function readQuantileLstmWeights(params: QuantileLstmParams, frame: QuantileLstmFrame): Promise<QuantileLstmWeights> {
  const read = async (tensor: tf.Tensor): Promise<Float32Array> => Float32Array.from(await tensor.data());
  const first = params.layers[0]!;
  return {
    inputSize: first.kernel.shape[0],
    units: first.recurrent.shape[0],
    window: frame.window,
    horizon: params.headBias.shape[0] / frame.quantiles.length,
    quantiles: [...frame.quantiles],
    featureMean: [...frame.featureMean],
    featureStd: [...frame.featureStd],
    targetScale: [...frame.targetScale],
    layers: await Promise.all(
      params.layers.map(async (layer) => ({
        kernel: await read(layer.kernel),
        recurrent: await read(layer.recurrent),
        bias: await read(layer.bias),
      })),
    ),
    head: { kernel: await read(params.headKernel), bias: await read(params.headBias) },
  };
}

/** Dropout while training: on each LSTM layer's outputs, the last layer's final h included. */
export interface TrainingDropout {
  readonly rate: number;
  readonly random: SeededRandom;
}

/** Training forward pass: monotone quantiles in target-scaled units, [batch, horizon, Q]. */
export function trainingQuantiles(
  params: QuantileLstmParams,
  steps: readonly tf.Tensor2D[],
  quantiles: readonly number[],
  dropout?: TrainingDropout,
): tf.Tensor3D {
  const active = dropout && dropout.rate > 0 ? dropout : undefined;
  let last = lstmStackLastHidden(steps, params.layers, active);
  if (active) {
    const keep = 1 - active.rate;
    const mask = new Float32Array(last.size);
    for (let k = 0; k < mask.length; k++) mask[k] = active.random.next() < keep ? 1 / keep : 0;
    last = tf.mul(last, tf.tensor2d(mask, last.shape));
  }
  return head(params, last, quantiles);
}

/** Inference forward pass (no dropout, nothing kept for a gradient): [batch, horizon, Q] in target-scaled units. */
export function inferenceQuantiles(params: QuantileLstmParams, steps: readonly tf.Tensor2D[], quantiles: readonly number[]): tf.Tensor3D {
  return tf.tidy(() => head(params, lstmStackInference(steps, params.layers), quantiles));
}

function head(params: QuantileLstmParams, last: tf.Tensor2D, quantiles: readonly number[]): tf.Tensor3D {
  const raw = tf.add(tf.matMul(last, params.headKernel), params.headBias);
  const horizon = params.headBias.shape[0] / quantiles.length;
  return monotoneQuantiles(tf.reshape(raw, [last.shape[0], horizon, quantiles.length]), quantiles);
}
