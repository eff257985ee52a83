import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQuantileLstmVariables, parameterList } from './quantile-lstm-model.ts';
import { createSeededRandom } from './seeded-random.ts';
import { createTrainStep } from './train-step.ts';
import { useTestBackend } from './test-support/test-backend.ts';

beforeAll(useTestBackend);

const QUANTILES = [0.1, 0.5, 0.9];

function setup(clipNorm: number) {
  const params = createQuantileLstmVariables({ features: 2, units: 4, layers: 2, horizon: 2, quantiles: QUANTILES }, createSeededRandom(1));
  const optimizer = tf.train.sgd(1);
  const step = createTrainStep({ params, optimizer, quantiles: QUANTILES, clipNorm });
  const steps = Array.from({ length: 5 }, (_, t) => tf.randomNormal([2, 8], 0, 1, 'float32', t) as tf.Tensor2D);
  const snapshot = (): number[][] => parameterList(params).map((p) => Array.from(p.dataSync()));
  return { params, step, steps, snapshot };
}

describe('createTrainStep', () => {
  it('skips the update and leaves every weight untouched when the loss is NaN', () => {
    const { step, steps, snapshot } = setup(1);
    const before = snapshot();
    const targets = tf.tensor2d(Array.from({ length: 16 }, (_, k) => (k === 3 ? Number.NaN : 0.1)), [8, 2]);
    const result = step(steps, targets);
    expect(result.applied).toBe(false);
    expect(result.loss).toBeNaN();
    expect(snapshot()).toEqual(before);
  });

  it('clips the update to the global norm (plain SGD with rate 1 moves the weights by exactly the clipped gradient)', () => {
    const { step, steps, snapshot } = setup(1e-3);
    const before = snapshot().flat();
    const result = step(steps, tf.fill([8, 2], 5) as tf.Tensor2D);
    expect(result.applied).toBe(true);
    expect(result.gradientNorm).toBeGreaterThan(1e-3);
    const after = snapshot().flat();
    const moved = Math.sqrt(after.reduce((sum, value, k) => sum + (value - before[k]!) ** 2, 0));
    expect(moved).toBeCloseTo(1e-3, 5);
  });
});
