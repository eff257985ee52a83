import { medianIndex, type QuantileLstmWeights } from '../../../core/model-weights.ts';

/**
 * Throw a RangeError naming the field when `weights` cannot describe a valid graph: a wrong array
 * length, a non-finite value, a non-positive std, or quantiles that are not strictly increasing
 * (the monotone construction stacks offsets outward from the median in list order).
 */
export function assertExportableWeights(weights: QuantileLstmWeights): void {
  const { inputSize, units, window, horizon, quantiles } = weights;
  for (const field of ['inputSize', 'units', 'window', 'horizon'] as const) {
    const value = weights[field];
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`weights.${field} must be a positive integer, got ${value}`);
  }
  assertQuantiles(quantiles);
  const outputs = horizon * quantiles.length;
  assertFiniteArray('weights.featureMean', weights.featureMean, inputSize);
  assertFiniteArray('weights.featureStd', weights.featureStd, inputSize);
  weights.featureStd.forEach((std, i) => {
    if (!(std > 0)) throw new RangeError(`weights.featureStd[${i}] must be > 0, got ${std}`);
  });
  assertFiniteArray('weights.targetScale', weights.targetScale, horizon);
  if (weights.layers.length < 1) throw new RangeError('weights.layers must hold at least one LSTM layer');
  weights.layers.forEach((layer, l) => {
    const inDim = l === 0 ? inputSize : units;
    assertFiniteArray(`weights.layers[${l}].kernel`, layer.kernel, inDim * 4 * units);
    assertFiniteArray(`weights.layers[${l}].recurrent`, layer.recurrent, units * 4 * units);
    assertFiniteArray(`weights.layers[${l}].bias`, layer.bias, 4 * units);
  });
  assertFiniteArray('weights.head.kernel', weights.head.kernel, units * outputs);
  assertFiniteArray('weights.head.bias', weights.head.bias, outputs);
  const fallback = weights.intervalFallback;
  if (fallback) {
    assertFiniteArray('weights.intervalFallback.modelWeight', fallback.modelWeight, horizon);
    fallback.modelWeight.forEach((w, h) => {
      if (!(w >= 0 && w <= 1)) throw new RangeError(`weights.intervalFallback.modelWeight[${h}] must lie in [0, 1], got ${w}`);
    });
    assertFiniteArray('weights.intervalFallback.naiveOffset', fallback.naiveOffset, outputs);
  }
}

function assertQuantiles(quantiles: readonly number[]): void {
  quantiles.forEach((q, i) => {
    if (!(q > 0 && q < 1)) throw new RangeError(`weights.quantiles[${i}] must lie strictly between 0 and 1, got ${q}`);
    if (i > 0 && !(q > quantiles[i - 1]!)) {
      throw new RangeError(`weights.quantiles must be strictly increasing, got ${quantiles.join(', ')}`);
    }
  });
  medianIndex(quantiles);
}

function assertFiniteArray(field: string, values: ArrayLike<number>, expectedLength: number): void {
  if (values.length !== expectedLength) {
    throw new RangeError(`${field} has ${values.length} values, expected ${expectedLength}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`${field}[${i}] is not finite: ${values[i]}`);
  }
}
