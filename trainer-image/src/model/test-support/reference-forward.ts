import { applyIntervalFallback } from '../../../../core/interval-fallback.ts';
import { medianIndex, type QuantileLstmWeights } from '../../../../core/model-weights.ts';

/**
 * Plain-TypeScript forward pass of the quantile LSTM in float64, written straight from the contract in
 * core/model-weights.ts and sharing no code with the TensorFlow.js model, so either can check the other
 * (and the ONNX export). xRaw [n, window, inputSize] raw features; returns [n, horizon, Q] row-major.
 */
export function forwardQuantileLstmReference(weights: QuantileLstmWeights, xRaw: Float32Array): Float32Array {
  const { inputSize, units, window, horizon, quantiles } = weights;
  if (xRaw.length % (window * inputSize) !== 0) {
    throw new RangeError(`xRaw length ${xRaw.length} is not a multiple of window × inputSize = ${window * inputSize}`);
  }
  const count = xRaw.length / (window * inputSize);
  const quantileCount = quantiles.length;
  const median = medianIndex(quantiles);
  const out = new Float32Array(count * horizon * quantileCount);
  for (let n = 0; n < count; n++) {
    let sequence: Float64Array[] = [];
    for (let t = 0; t < window; t++) {
      const row = new Float64Array(inputSize);
      for (let f = 0; f < inputSize; f++) {
        row[f] = (xRaw[(n * window + t) * inputSize + f]! - weights.featureMean[f]!) / weights.featureStd[f]!;
      }
      sequence.push(row);
    }
    for (const layer of weights.layers) sequence = lstmLayer(sequence, layer.kernel, layer.recurrent, layer.bias, units);
    const raw = affine(sequence[window - 1]!, weights.head.kernel, weights.head.bias);
    for (let step = 0; step < horizon; step++) {
      const monotone = monotoneQuantiles(raw.subarray(step * quantileCount, (step + 1) * quantileCount), median);
      for (let q = 0; q < quantileCount; q++) {
        out[(n * horizon + step) * quantileCount + q] = monotone[q]! * weights.targetScale[step]!;
      }
    }
  }
  return weights.intervalFallback ? applyIntervalFallback(out, weights.intervalFallback, horizon, quantileCount, median) : out;
}

/** One LSTM layer over a sequence, Keras semantics: gates [i, f, g, o], zero initial state. */
function lstmLayer(
  sequence: readonly Float64Array[],
  kernel: Float32Array,
  recurrent: Float32Array,
  bias: Float32Array,
  units: number,
): Float64Array[] {
  let h = new Float64Array(units);
  const c = new Float64Array(units);
  const outputs: Float64Array[] = [];
  for (const x of sequence) {
    const zInput = affine(x, kernel, bias);
    const zRecurrent = affine(h, recurrent, new Float32Array(4 * units));
    const next = new Float64Array(units);
    for (let u = 0; u < units; u++) {
      const input = sigmoid(zInput[u]! + zRecurrent[u]!);
      const forget = sigmoid(zInput[units + u]! + zRecurrent[units + u]!);
      const candidate = Math.tanh(zInput[2 * units + u]! + zRecurrent[2 * units + u]!);
      const output = sigmoid(zInput[3 * units + u]! + zRecurrent[3 * units + u]!);
      c[u] = forget * c[u]! + input * candidate;
      next[u] = output * Math.tanh(c[u]!);
    }
    h = next;
    outputs.push(h);
  }
  return outputs;
}

/** x · kernel + bias, kernel [x.length, bias.length] row-major. */
function affine(x: Float64Array, kernel: Float32Array, bias: Float32Array): Float64Array {
  const out = Float64Array.from(bias);
  for (let k = 0; k < x.length; k++) {
    const xk = x[k]!;
    for (let j = 0; j < out.length; j++) out[j] = out[j]! + xk * kernel[k * out.length + j]!;
  }
  return out;
}

/** Step 4 of the contract: the median as is, softplus offsets accumulated outward from it. */
function monotoneQuantiles(raw: Float64Array, median: number): Float64Array {
  const out = new Float64Array(raw.length);
  out[median] = raw[median]!;
  for (let q = median + 1; q < raw.length; q++) out[q] = out[q - 1]! + softplus(raw[q]!);
  for (let q = median - 1; q >= 0; q--) out[q] = out[q + 1]! - softplus(raw[q]!);
  return out;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** log(1 + e^z) without overflow for large z. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}
