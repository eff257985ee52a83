import * as tf from '@tensorflow/tfjs';
import type { QuantileLstmWeights } from '../../../core/model-weights.ts';
import { activeBackendName } from './backend.ts';
import { rowTensor, stepTensors } from './batches.ts';
import { NonFiniteLossError } from './errors.ts';
import { meanPinballLoss, type EvaluationSet } from './evaluate.ts';
import {
  createQuantileLstmVariables,
  disposeParams,
  parameterList,
  readQuantileLstmWeights,
  type QuantileLstmParams,
} from './quantile-lstm-model.ts';
import { createSeededRandom, shuffleInPlace } from './seeded-random.ts';
import { createTrainStep } from './train-step.ts';
import { validateTrainingOptions, type EpochInfo, type TrainQuantileLstmOptions } from './training-options.ts';

export type { EpochInfo, TrainQuantileLstmOptions } from './training-options.ts';

/** One epoch of the training history. */
export interface EpochRecord {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number;
  readonly seconds: number;
}

/** Outcome of trainQuantileLstm. */
export interface TrainQuantileLstmResult {
  /** The best epoch's weights (lowest validation loss). */
  readonly weights: QuantileLstmWeights;
  readonly history: readonly EpochRecord[];
  /** 1-based epoch whose weights were kept. */
  readonly bestEpoch: number;
  /** Training samples per second over all optimisation steps (validation excluded). */
  readonly samplesPerSecond: number;
  /** The TensorFlow.js backend that ran the training. */
  readonly backend: string;
}

/**
 * Trains the quantile LSTM (core/model-weights.ts semantics) with Adam on the pinball loss: gradient
 * clipping by global norm, dropout on LSTM outputs, early stopping on validation loss restoring the best
 * weights, and every random choice drawn from `seed`. Throws NonFiniteLossError if the loss diverges.
 */
export async function trainQuantileLstm(options: TrainQuantileLstmOptions): Promise<TrainQuantileLstmResult> {
  validateTrainingOptions(options);
  const { window, features, horizon, quantiles, epochs, patience, batchSize } = options;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const initRandom = createSeededRandom(seed);
  const shuffleRandom = createSeededRandom(initRandom.seed());
  const dropoutRandom = createSeededRandom(initRandom.seed());
  const params = createQuantileLstmVariables({ features, units: options.units, layers: options.layers, horizon, quantiles }, initRandom);
  const optimizer = tf.train.adam(options.learningRate);
  const trainStep = createTrainStep({
    params,
    optimizer,
    quantiles,
    clipNorm: options.clipNorm,
    dropout: { rate: options.dropout, random: dropoutRandom },
  });
  const validation: EvaluationSet = { x: options.xVal, y: options.yVal, window, features, horizon };
  const sampleCount = options.y.length / horizon;
  const order = Int32Array.from({ length: sampleCount }, (_, k) => k);
  const history: EpochRecord[] = [];
  let best: { epoch: number; valLoss: number; snapshot: tf.Tensor[] } | undefined;
  let trainingSeconds = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      shuffleInPlace(order, shuffleRandom);
      let lossSum = 0;
      for (let start = 0, batch = 1; start < sampleCount; start += batchSize, batch++) {
        const rows = order.subarray(start, Math.min(sampleCount, start + batchSize));
        const steps = stepTensors(options.x, rows, window, features);
        const targets = rowTensor(options.y, rows, horizon);
        let result;
        try {
          result = trainStep(steps, targets);
        } finally {
          tf.dispose([...steps, targets]);
        }
        if (!result.applied) {
          const lossIsBad = !Number.isFinite(result.loss);
          throw new NonFiniteLossError({
            epoch,
            batch,
            quantity: lossIsBad ? 'loss' : 'gradient norm',
            value: lossIsBad ? result.loss : result.gradientNorm,
            learningRate: options.learningRate,
          });
        }
        lossSum += result.loss * rows.length;
      }
      trainingSeconds += (performance.now() - started) / 1000;
      const valLoss = meanPinballLoss(params, validation, quantiles);
      if (!Number.isFinite(valLoss)) {
        throw new NonFiniteLossError({ epoch, batch: 0, quantity: 'validation loss', value: valLoss, learningRate: options.learningRate });
      }
      const record = { epoch, loss: lossSum / sampleCount, valLoss, seconds: (performance.now() - started) / 1000 };
      history.push(record);
      options.onEpoch?.({ ...record, epochs });
      // An epoch is synchronous work; yielding here lets a SIGTERM (deadline, eviction) be handled within one epoch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (best === undefined || valLoss < best.valLoss) {
        if (best) tf.dispose(best.snapshot);
        best = { epoch, valLoss, snapshot: parameterList(params).map((p) => tf.keep(p.clone())) };
      } else if (epoch - best.epoch >= patience) {
        break;
      }
    }
    restore(params, best!.snapshot);
    const weights = await readQuantileLstmWeights(params, { ...options, window });
    return {
      weights,
      history,
      bestEpoch: best!.epoch,
      samplesPerSecond: (sampleCount * history.length) / trainingSeconds,
      backend: activeBackendName(),
    };
  } finally {
    if (best) tf.dispose(best.snapshot);
    optimizer.dispose();
    disposeParams(params);
  }
}

function restore(params: QuantileLstmParams, snapshot: readonly tf.Tensor[]): void {
  parameterList(params).forEach((variable, k) => (variable as tf.Variable).assign(snapshot[k]!));
}
