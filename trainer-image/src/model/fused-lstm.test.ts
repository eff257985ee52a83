import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lstmStackInference, lstmStackLastHidden, type LstmLayerTensors } from './fused-lstm.ts';
import { createSeededRandom } from './seeded-random.ts';
import { useTestBackend } from './test-support/test-backend.ts';

beforeAll(useTestBackend);

const BATCH = 3;
const STEPS = 5;
const FEATURES = 2;
const UNITS = 4;

function randomLayers(count: number, seed: number): LstmLayerTensors[] {
  return Array.from({ length: count }, (_, l) => ({
    kernel: tf.randomNormal([l === 0 ? FEATURES : UNITS, 4 * UNITS], 0, 0.6, 'float32', seed + 3 * l) as tf.Tensor2D,
    recurrent: tf.randomNormal([UNITS, 4 * UNITS], 0, 0.6, 'float32', seed + 3 * l + 1) as tf.Tensor2D,
    bias: tf.randomNormal([4 * UNITS], 0, 0.6, 'float32', seed + 3 * l + 2) as tf.Tensor1D,
  }));
}

/** Batch-major inputs [batch, features] per step, and the same as the feature-major steps the stack takes. */
function randomInputs(seed: number): { batchMajor: tf.Tensor2D[]; steps: tf.Tensor2D[] } {
  const batchMajor = Array.from({ length: STEPS }, (_, t) => tf.randomNormal([BATCH, FEATURES], 0, 1, 'float32', seed + t) as tf.Tensor2D);
  return { batchMajor, steps: batchMajor.map((x) => tf.transpose(x)) };
}

/** The textbook LSTM written with plain ops, differentiated by TensorFlow.js' own autograd. */
function plainLstmLastHidden(inputs: readonly tf.Tensor2D[], layers: readonly LstmLayerTensors[]): tf.Tensor2D {
  let sequence = inputs;
  for (const layer of layers) {
    let h: tf.Tensor2D = tf.zeros([BATCH, UNITS]);
    let c: tf.Tensor2D = tf.zeros([BATCH, UNITS]);
    const outputs: tf.Tensor2D[] = [];
    for (const x of sequence) {
      const z = tf.add(tf.add(tf.matMul(x, layer.kernel), tf.matMul(h, layer.recurrent)), layer.bias);
      const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
      h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
      outputs.push(h);
    }
    sequence = outputs;
  }
  return sequence[sequence.length - 1]!;
}

function asLayers(flat: readonly tf.Tensor[]): LstmLayerTensors[] {
  return Array.from({ length: flat.length / 3 }, (_, l) => ({
    kernel: flat[3 * l] as tf.Tensor2D,
    recurrent: flat[3 * l + 1] as tf.Tensor2D,
    bias: flat[3 * l + 2] as tf.Tensor1D,
  }));
}

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('lstmStackLastHidden', () => {
  it('computes the same last hidden state as a plain-op LSTM', () => {
    const layers = randomLayers(2, 10);
    const { batchMajor, steps } = randomInputs(20);
    expect(maxAbsDifference(lstmStackLastHidden(steps, layers), plainLstmLastHidden(batchMajor, layers))).toBeLessThan(1e-6);
  });

  it.each([1, 2, 3])('has the gradients of TensorFlow.js autograd with %i layer(s)', (layerCount) => {
    const layers = randomLayers(layerCount, 100 * layerCount);
    const { batchMajor, steps } = randomInputs(7);
    const weighting = tf.randomNormal([BATCH, UNITS], 0, 1, 'float32', 99);
    const flat = layers.flatMap((layer) => [layer.kernel, layer.recurrent, layer.bias]);
    const reference = tf.grads((...p: tf.Tensor[]) => tf.sum(tf.mul(plainLstmLastHidden(batchMajor, asLayers(p)), weighting)))(flat);
    const fused = tf.grads((...p: tf.Tensor[]) => tf.sum(tf.mul(lstmStackLastHidden(steps, asLayers(p)), weighting)))(flat);
    reference.forEach((expected, k) => {
      const scale = tf.max(tf.abs(expected)).dataSync()[0]!;
      expect(scale).toBeGreaterThan(1e-3);
      expect(maxAbsDifference(fused[k]!, expected)).toBeLessThan(1e-5 * Math.max(1, scale));
    });
  });

  it('back-propagates through inter-layer dropout (central differences)', () => {
    const layers = randomLayers(2, 300);
    const { steps } = randomInputs(30);
    const weighting = tf.randomNormal([BATCH, UNITS], 0, 1, 'float32', 31);
    // A fresh generator per call draws the same masks every time, so the loss is a smooth function of the weights.
    const loss = (p: readonly tf.Tensor[]): tf.Scalar =>
      tf.sum(tf.mul(lstmStackLastHidden(steps, asLayers(p), { rate: 0.4, random: createSeededRandom(5) }), weighting));
    const flat = layers.flatMap((layer) => [layer.kernel, layer.recurrent, layer.bias]);
    const analytic = tf.grads((...p: tf.Tensor[]) => loss(p))(flat);
    const epsilon = 1e-2;
    for (const [param, index] of [[0, 3], [1, 17], [2, 6], [3, 40], [4, 5], [5, 9]] as const) {
      const values = flat[param]!.dataSync().slice();
      const shifted = (delta: number): number => {
        const copy = values.slice();
        copy[index] = copy[index]! + delta;
        const replaced = flat.map((t, k) => (k === param ? tf.tensor(copy, t.shape) : t));
        return loss(replaced).dataSync()[0]!;
      };
      const numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
      expect(analytic[param]!.dataSync()[index]).toBeCloseTo(numeric, 2);
    }
  });

  it('drops units at the requested rate and rescales the survivors', () => {
    const layers = randomLayers(2, 500);
    const { steps } = randomInputs(40);
    const withoutDropout = lstmStackLastHidden(steps, layers);
    const withDropout = lstmStackLastHidden(steps, layers, { rate: 0.5, random: createSeededRandom(1) });
    expect(maxAbsDifference(withoutDropout, withDropout)).toBeGreaterThan(1e-3);
    const again = lstmStackLastHidden(steps, layers, { rate: 0.5, random: createSeededRandom(1) });
    expect(maxAbsDifference(withDropout, again)).toBe(0);
  });

  it('leaves no tensors behind after a gradient', () => {
    const layers = randomLayers(2, 700);
    const { steps } = randomInputs(50);
    const flat = layers.flatMap((layer) => [layer.kernel, layer.recurrent, layer.bias]);
    const run = (): void => {
      tf.tidy(() => {
        tf.grads((...p: tf.Tensor[]) => tf.sum(lstmStackLastHidden(steps, asLayers(p), { rate: 0.2, random: createSeededRandom(2) })))(flat);
      });
    };
    run();
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('lstmStackInference', () => {
  it('matches the differentiable forward pass and frees its temporaries', () => {
    const layers = randomLayers(2, 900);
    const { steps } = randomInputs(60);
    const expected = lstmStackLastHidden(steps, layers);
    const before = tf.memory().numTensors;
    const actual = lstmStackInference(steps, layers);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(maxAbsDifference(actual, expected)).toBe(0);
  });
});
