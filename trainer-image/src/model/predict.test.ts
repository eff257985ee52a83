import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { INFERENCE_CHUNK } from './evaluate.ts';
import { predictQuantiles } from './predict.ts';
import { forwardQuantileLstmReference } from './test-support/reference-forward.ts';
import { createSeededRandom } from './seeded-random.ts';
import { randomQuantileLstmWeights } from '../export/test-support/random-quantile-lstm.ts';
import { useTestBackend } from './test-support/test-backend.ts';

beforeAll(useTestBackend);

const SHAPE = { inputSize: 3, units: 6, layers: 2, window: 7, horizon: 4, quantiles: [0.1, 0.25, 0.5, 0.9] };

function rawWindows(count: number, seed: number): Float32Array {
  const random = createSeededRandom(seed);
  return Float32Array.from({ length: count * SHAPE.window * SHAPE.inputSize }, () => 3 * random.normal());
}

describe('predictQuantiles', () => {
  it('matches the plain-TypeScript reference forward within 1e-5, across inference chunks', () => {
    const weights = randomQuantileLstmWeights(SHAPE, 1);
    const count = INFERENCE_CHUNK + 88;
    const xRaw = rawWindows(count, 2);
    const actual = predictQuantiles(weights, xRaw);
    const expected = forwardQuantileLstmReference(weights, xRaw);
    expect(actual.length).toBe(count * SHAPE.horizon * SHAPE.quantiles.length);
    let worst = 0;
    for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!));
    expect(worst).toBeLessThan(1e-5);
    // The comparison must be about real signal, not zeros.
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('returns non-crossing quantiles for every window and step', () => {
    const weights = randomQuantileLstmWeights({ ...SHAPE, layers: 1 }, 3);
    const out = predictQuantiles(weights, rawWindows(50, 4));
    const q = SHAPE.quantiles.length;
    for (let k = 0; k < out.length; k += q) for (let j = 1; j < q; j++) expect(out[k + j]!).toBeGreaterThanOrEqual(out[k + j - 1]!);
  });

  it('frees every tensor it creates', () => {
    const weights = randomQuantileLstmWeights(SHAPE, 5);
    const before = tf.memory().numTensors;
    predictQuantiles(weights, rawWindows(20, 6));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects input that is not whole windows', () => {
    const weights = randomQuantileLstmWeights(SHAPE, 7);
    expect(() => predictQuantiles(weights, new Float32Array(SHAPE.window * SHAPE.inputSize + 1))).toThrow(/xRaw length 22/);
  });

  it('names a weight array of the wrong size', () => {
    const weights = randomQuantileLstmWeights(SHAPE, 8);
    const broken = { ...weights, layers: [weights.layers[0]!, { ...weights.layers[1]!, recurrent: new Float32Array(5) }] };
    expect(() => predictQuantiles(broken, rawWindows(1, 9))).toThrow(/weights\.layers\[1\]\.recurrent has 5 values, expected 144/);
  });
});

describe('forwardQuantileLstmReference', () => {
  it('computes a one-unit, one-step model by hand', () => {
    // x = 3, mean 1, std 2 → xn = 1. z = 1·k + b with k = [0.5, 1, 2, -1], b = [0, 0, -1, 1]:
    // i = σ(0.5), f = σ(1) (irrelevant: c starts at 0), g = tanh(1), o = σ(0); c = i·g; h = o·tanh(c).
    const weights = {
      inputSize: 1, units: 1, window: 1, horizon: 1, quantiles: [0.1, 0.5, 0.9],
      featureMean: [1], featureStd: [2], targetScale: [0.5],
      layers: [{ kernel: Float32Array.of(0.5, 1, 2, -1), recurrent: Float32Array.of(0, 0, 0, 0), bias: Float32Array.of(0, 0, -1, 1) }],
      head: { kernel: Float32Array.of(1, 2, -1), bias: Float32Array.of(0, 0.1, 0) },
    };
    const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
    const softplus = (z: number): number => Math.log1p(Math.exp(z));
    const h = sigmoid(0) * Math.tanh(sigmoid(0.5) * Math.tanh(1));
    const median = 2 * h + 0.1;
    const expected = [median - softplus(h), median, median + softplus(-h)].map((v) => v * 0.5);
    const actual = Array.from(forwardQuantileLstmReference(weights, Float32Array.of(3)));
    actual.forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 6));
  });
});
