import { medianIndex } from '../../../core/model-weights.ts';

/** One finished epoch, as reported to `onEpoch` and kept in the history. */
export interface EpochInfo {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** Mean training pinball loss over the epoch's batches (with dropout), in target-scaled units. */
  readonly loss: number;
  /** Validation pinball loss after the epoch (no dropout). */
  readonly valLoss: number;
  /** Wall time of the epoch, validation included. */
  readonly seconds: number;
}

/** Inputs of trainQuantileLstm: data already normalised and scaled by the dataset code. */
export interface TrainQuantileLstmOptions {
  /** Normalised features [n, window, features]. */
  readonly x: Float32Array;
  /** Cumulative log-return / targetScale, [n, horizon]. */
  readonly y: Float32Array;
  readonly xVal: Float32Array;
  readonly yVal: Float32Array;
  readonly window: number;
  readonly features: number;
  readonly horizon: number;
  /** Ascending, strictly inside (0, 1), must include 0.5. */
  readonly quantiles: readonly number[];
  readonly units: number;
  readonly layers: number;
  /** Dropout rate on LSTM outputs during training, in [0, 1). */
  readonly dropout: number;
  readonly epochs: number;
  /** Epochs without a validation improvement before stopping; the best epoch's weights are restored. */
  readonly patience: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Gradient clipping by global norm. */
  readonly clipNorm: number;
  /** Seeds initialisation, shuffling and dropout; omitted means a random seed. */
  readonly seed?: number | undefined;
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  readonly targetScale: readonly number[];
  readonly onEpoch?: ((info: EpochInfo) => void) | undefined;
}

/** Throws a RangeError naming the first option that is out of range or inconsistent with the data. */
export function validateTrainingOptions(options: TrainQuantileLstmOptions): void {
  const positiveIntegers = ['window', 'features', 'horizon', 'units', 'layers', 'epochs', 'patience', 'batchSize'] as const;
  for (const name of positiveIntegers) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  if (!(options.dropout >= 0 && options.dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${options.dropout}`);
  if (!(options.learningRate > 0)) throw new RangeError(`learningRate must be positive, got ${options.learningRate}`);
  if (!(options.clipNorm > 0)) throw new RangeError(`clipNorm must be positive, got ${options.clipNorm}`);
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  const { quantiles } = options;
  quantiles.forEach((q, k) => {
    if (!(q > 0 && q < 1)) throw new RangeError(`quantiles[${k}] must be inside (0, 1), got ${q}`);
    if (k > 0 && !(q > quantiles[k - 1]!)) throw new RangeError(`quantiles must be strictly ascending, got ${quantiles.join(', ')}`);
  });
  medianIndex(quantiles);
  checkLength('featureMean', options.featureMean.length, options.features);
  checkLength('featureStd', options.featureStd.length, options.features);
  checkLength('targetScale', options.targetScale.length, options.horizon);
  options.featureStd.forEach((std, f) => {
    if (!(std > 0)) throw new RangeError(`featureStd[${f}] must be positive, got ${std}`);
  });
  const train = checkPair('x', options.x, 'y', options.y, options);
  const validation = checkPair('xVal', options.xVal, 'yVal', options.yVal, options);
  if (train === 0) throw new RangeError('x has no training windows');
  if (validation === 0) throw new RangeError('xVal has no validation windows: early stopping needs some');
}

function checkLength(name: string, actual: number, expected: number): void {
  if (actual !== expected) throw new RangeError(`${name} has ${actual} entries, expected ${expected}`);
}

/** Number of samples in a features/targets pair, after checking both agree with the declared shape. */
function checkPair(xName: string, x: Float32Array, yName: string, y: Float32Array, options: TrainQuantileLstmOptions): number {
  const perWindow = options.window * options.features;
  if (x.length % perWindow !== 0) {
    throw new RangeError(`${xName} length ${x.length} is not a multiple of window × features = ${perWindow}`);
  }
  const samples = x.length / perWindow;
  if (y.length !== samples * options.horizon) {
    throw new RangeError(`${yName} length ${y.length} does not match ${samples} windows × horizon ${options.horizon}`);
  }
  return samples;
}
