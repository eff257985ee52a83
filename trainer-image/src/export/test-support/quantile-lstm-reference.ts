import { medianIndex, type QuantileLstmWeights } from '../../../../core/model-weights.ts';

/**
 * Plain-TypeScript forward pass of the quantile LSTM, written straight from the semantics documented in
 * core/model-weights.ts and computed in float64, so the exported graph is checked against the contract
 * rather than against another framework. Returns [batch, horizon, Q] row-major.
 */
export function referenceQuantileLstmForward(weights: QuantileLstmWeights, xRaw: Float32Array, batch: number): Float32Array {
  const { inputSize, window, horizon, quantiles } = weights;
  const quantileCount = quantiles.length;
  const out = new Float32Array(batch * horizon * quantileCount);
  for (let b = 0; b < batch; b++) {
    let sequence: number[][] = [];
    for (let t = 0; t < window; t++) {
      const row = xRaw.subarray((b * window + t) * inputSize, (b * window + t + 1) * inputSize);
      sequence.push(Array.from(row, (x, f) => (x - weights.featureMean[f]!) / weights.featureStd[f]!));
    }
    for (const layer of weights.layers) sequence = lstmLayer(layer, sequence, weights.units);
    const raw = affine(sequence[window - 1]!, weights.head.kernel, weights.head.bias);
    for (let step = 0; step < horizon; step++) {
      const monotone = monotoneQuantiles(raw.slice(step * quantileCount, (step + 1) * quantileCount), medianIndex(quantiles));
      monotone.forEach((value, q) => {
        out[(b * horizon + step) * quantileCount + q] = value * weights.targetScale[step]!;
      });
    }
  }
  return out;
}

function lstmLayer(
  layer: QuantileLstmWeights['layers'][number],
  sequence: readonly (readonly number[])[],
  units: number,
): number[][] {
  let h = new Array<number>(units).fill(0);
  const c = new Array<number>(units).fill(0);
  const outputs: number[][] = [];
  for (const x of sequence) {
    const zInput = affine(x, layer.kernel, layer.bias);
    const zRecurrent = affine(h, layer.recurrent, new Float32Array(4 * units));
    const z = zInput.map((value, j) => value + zRecurrent[j]!);
    h = h.map((_, u) => {
      const input = sigmoid(z[u]!);
      const forget = sigmoid(z[units + u]!);
      const candidate = Math.tanh(z[2 * units + u]!);
      const output = sigmoid(z[3 * units + u]!);
      c[u] = forget * c[u]! + input * candidate;
      return output * Math.tanh(c[u]!);
    });
    outputs.push(h);
  }
  return outputs;
}

/** x · kernel + bias with kernel [x.length, bias.length] row-major. */
function affine(x: readonly number[], kernel: Float32Array, bias: Float32Array): number[] {
  return Array.from(bias, (b, j) => x.reduce((sum, value, k) => sum + value * kernel[k * bias.length + j]!, b));
}

function monotoneQuantiles(raw: readonly number[], median: number): number[] {
  const out = [...raw];
  for (let q = median + 1; q < raw.length; q++) out[q] = out[q - 1]! + softplus(raw[q]!);
  for (let q = median - 1; q >= 0; q--) out[q] = out[q + 1]! - softplus(raw[q]!);
  return out;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
