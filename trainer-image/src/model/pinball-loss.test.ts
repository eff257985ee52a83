import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pinballLoss } from './pinball-loss.ts';
import { useTestBackend } from './test-support/test-backend.ts';

beforeAll(useTestBackend);

describe('pinballLoss', () => {
  it('charges q·e below the target and (1 − q)·|e| above it, averaged over samples, steps and quantiles', () => {
    // Two samples, horizon 2, quantiles [0.1, 0.5, 0.9].
    const predictions = tf.tensor3d([
      [[0, 1, 2], [-1, 0, 1]],
      [[1, 1, 1], [0, 0.5, 3]],
    ]);
    const targets = tf.tensor2d([
      [1, 0],
      [1, 2],
    ]);
    // e = y − ŷ. Sample 0 step 0: e = 1, 0, −1 → 0.1·1, 0, 0.1·1 = 0.1, 0, 0.1
    // sample 0 step 1: e = 1, 0, −1 → 0.1, 0, 0.1
    // sample 1 step 0: e = 0, 0, 0 → 0, 0, 0
    // sample 1 step 1: e = 2, 1.5, −1 → 0.2, 0.75, 0.1
    const expected = (0.1 + 0 + 0.1 + 0.1 + 0 + 0.1 + 0 + 0 + 0 + 0.2 + 0.75 + 0.1) / 12;
    const loss = pinballLoss(predictions, targets, [0.1, 0.5, 0.9]).dataSync()[0]!;
    expect(loss).toBeCloseTo(expected, 6);
  });

  it('is half the mean absolute error for the median alone', () => {
    const predictions = tf.tensor3d([[[3]], [[-2]]]);
    const targets = tf.tensor2d([[1], [1]]);
    expect(pinballLoss(predictions, targets, [0.5]).dataSync()[0]).toBeCloseTo((0.5 * 2 + 0.5 * 3) / 2, 6);
  });

  it('has a gradient that pushes a low upper quantile up', () => {
    const targets = tf.tensor2d([[1]]);
    const gradient = tf.grad((p: tf.Tensor) => pinballLoss(p as tf.Tensor3D, targets, [0.9]))(tf.tensor3d([[[0]]]));
    // d/dŷ of 0.9·(y − ŷ) is −0.9: descending the gradient raises ŷ.
    expect(gradient.dataSync()[0]).toBeCloseTo(-0.9, 6);
  });
});
