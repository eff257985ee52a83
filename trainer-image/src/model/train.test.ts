import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError } from './errors.ts';
import { predictQuantiles } from './predict.ts';
import { trainQuantileLstm, type TrainQuantileLstmOptions } from './train.ts';
import { syntheticWindows } from './test-support/synthetic-windows.ts';
import { useTestBackend } from './test-support/test-backend.ts';

let backend = '';
beforeAll(async () => {
  backend = await useTestBackend();
});

const WINDOW = 12;
const FEATURES = 3;
const HORIZON = 2;
const QUANTILES = [0.1, 0.5, 0.9];
const train = syntheticWindows(256, WINDOW, FEATURES, HORIZON, 1);
const validation = syntheticWindows(128, WINDOW, FEATURES, HORIZON, 2);

function options(overrides: Partial<TrainQuantileLstmOptions> = {}): TrainQuantileLstmOptions {
  return {
    x: train.x, y: train.y, xVal: validation.x, yVal: validation.y,
    window: WINDOW, features: FEATURES, horizon: HORIZON, quantiles: QUANTILES,
    units: 8, layers: 1, dropout: 0, epochs: 12, patience: 5, batchSize: 32, learningRate: 0.01, clipNorm: 1, seed: 3,
    featureMean: [0, 0, 0], featureStd: [1, 1, 1], targetScale: [1, 1],
    ...overrides,
  };
}

function meanPinball(predictions: Float32Array, targets: Float32Array): number {
  let total = 0;
  for (let k = 0; k < predictions.length; k++) {
    const error = targets[Math.floor(k / QUANTILES.length)]! - predictions[k]!;
    const q = QUANTILES[k % QUANTILES.length]!;
    total += Math.max(q * error, (q - 1) * error);
  }
  return total / predictions.length;
}

describe('trainQuantileLstm', () => {
  it('learns a signal far better than forecasting zero, and reports how it ran', async () => {
    const result = await trainQuantileLstm(options());
    const zeroLoss = meanPinball(new Float32Array(validation.y.length * QUANTILES.length), validation.y);
    const best = result.history[result.bestEpoch - 1]!;
    expect(best.valLoss).toBeLessThan(0.4 * zeroLoss);
    expect(result.history[0]!.loss).toBeGreaterThan(best.loss);
    expect(result.backend).toBe(backend);
    expect(result.samplesPerSecond).toBeGreaterThan(0);
    expect(result.weights.window).toBe(WINDOW);
    expect(result.weights.layers).toHaveLength(1);
    expect(result.weights.head.kernel).toHaveLength(8 * HORIZON * QUANTILES.length);
    // The exported weights are the ones that scored the best validation loss.
    expect(meanPinball(predictQuantiles(result.weights, validation.x), validation.y)).toBeCloseTo(best.valLoss, 5);
  });

  it('repeats itself exactly for the same seed, dropout and shuffling included', async () => {
    const settings = options({ layers: 2, units: 6, dropout: 0.3, epochs: 2, seed: 11 });
    const first = await trainQuantileLstm(settings);
    const second = await trainQuantileLstm(settings);
    expect(second.history.map((h) => [h.loss, h.valLoss])).toEqual(first.history.map((h) => [h.loss, h.valLoss]));
    expect(Array.from(second.weights.layers[1]!.recurrent)).toEqual(Array.from(first.weights.layers[1]!.recurrent));
    const other = await trainQuantileLstm({ ...settings, seed: 12 });
    expect(Array.from(other.weights.head.kernel)).not.toEqual(Array.from(first.weights.head.kernel));
  });

  it('stops once validation stops improving for `patience` epochs and keeps the best epoch', async () => {
    // Validation targets of the opposite sign: the better the fit on training data, the worse validation gets.
    const inverted = Float32Array.from(validation.y, (v) => -v);
    const result = await trainQuantileLstm(options({ yVal: inverted, epochs: 30, patience: 2 }));
    expect(result.history.length).toBe(result.bestEpoch + 2);
    expect(result.history.length).toBeLessThan(30);
    const best = result.history[result.bestEpoch - 1]!;
    for (const epoch of result.history) expect(epoch.valLoss).toBeGreaterThanOrEqual(best.valLoss);
  });

  it('keeps the number of live tensors flat across epochs and frees everything at the end', async () => {
    const before = tf.memory().numTensors;
    const perEpoch: number[] = [];
    await trainQuantileLstm(options({ layers: 2, dropout: 0.2, epochs: 4, patience: 10, onEpoch: () => perEpoch.push(tf.memory().numTensors) }));
    expect(new Set(perEpoch.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with NonFiniteLossError naming the epoch when the loss becomes NaN', async () => {
    const poisoned = Float32Array.from(train.y);
    poisoned[5] = Number.NaN;
    const before = tf.memory().numTensors;
    const error = await trainQuantileLstm(options({ y: poisoned })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).epoch).toBe(1);
    expect((error as Error).message).toMatch(/NaN in epoch 1 \(batch \d+\).*lower learning rate/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops with NonFiniteLossError when the validation loss is not finite', async () => {
    const poisoned = Float32Array.from(validation.x);
    poisoned[7] = Number.NaN;
    await expect(trainQuantileLstm(options({ xVal: poisoned, epochs: 2 }))).rejects.toThrow(/validation loss became NaN in epoch 1;/);
  });

  it('names the option that does not fit the data', async () => {
    await expect(trainQuantileLstm(options({ y: train.y.subarray(1) }))).rejects.toThrow(/^y length/);
    await expect(trainQuantileLstm(options({ targetScale: [1] }))).rejects.toThrow(/targetScale has 1 entries, expected 2/);
    await expect(trainQuantileLstm(options({ quantiles: [0.1, 0.9] }))).rejects.toThrow(/0\.5/);
    await expect(trainQuantileLstm(options({ dropout: 1 }))).rejects.toThrow(/dropout/);
    await expect(trainQuantileLstm(options({ xVal: new Float32Array(0), yVal: new Float32Array(0) }))).rejects.toThrow(/xVal has no validation/);
  });
});
