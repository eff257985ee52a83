import type { IntervalFallback } from './interval-fallback.ts';

/**
 * Trained weights of the quantile LSTM forecaster, independent of any framework. The trainer
 * produces it from TensorFlow.js and the ONNX exporter consumes it; the semantics are:
 *
 * 1. xn = (x - featureMean) / featureStd, per feature, x raw [batch, window, F].
 * 2. Each layer is a standard LSTM (Keras semantics, zero initial state): z = x_t·kernel + h·recurrent + bias,
 *    gate blocks in the order [i, f, g, o]; i, f, o = sigmoid, g = tanh; c = f⊙c + i⊙g; h = o⊙tanh(c).
 *    Every layer but the last feeds its whole sequence to the next; the head reads the last h of the last layer.
 * 3. raw = h·head.kernel + head.bias, reshaped [batch, horizon, Q] with index step * Q + q.
 * 4. Monotone quantiles around the median index m: out[m] = raw[m]; above it out[q] = out[q-1] + softplus(raw[q]);
 *    below it out[q] = out[q+1] - softplus(raw[q]).
 * 5. y = out * targetScale[step]: cumulative log-return from the last close to the close `step + 1` candles later.
 * 6. With `intervalFallback`, every quantile but the median is blended per step with naive persistence's
 *    empirical interval (core/interval-fallback.ts).
 */
export interface QuantileLstmWeights {
  readonly inputSize: number;
  readonly units: number;
  readonly window: number;
  readonly horizon: number;
  readonly quantiles: readonly number[];
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  readonly targetScale: readonly number[];
  /** kernel [inDim, 4·units] row-major, recurrent [units, 4·units] row-major, bias [4·units]. */
  readonly layers: readonly LstmLayerWeights[];
  /** kernel [units, horizon·Q] row-major, bias [horizon·Q]. */
  readonly head: { readonly kernel: Float32Array; readonly bias: Float32Array };
  /** Step 6, fitted on validation; absent: the network's interval as it is. */
  readonly intervalFallback?: IntervalFallback;
}

/** Weights of one LSTM layer, gate blocks ordered [i, f, g, o] along the 4·units axis. */
export interface LstmLayerWeights {
  readonly kernel: Float32Array;
  readonly recurrent: Float32Array;
  readonly bias: Float32Array;
}

/** Index of the median (0.5) in a quantile list; throws when it is absent. */
export function medianIndex(quantiles: readonly number[]): number {
  const index = quantiles.indexOf(0.5);
  if (index < 0) throw new RangeError('quantiles must include 0.5');
  return index;
}
