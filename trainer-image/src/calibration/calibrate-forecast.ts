import { medianIndex, type QuantileLstmWeights } from '../../../core/model-weights.ts';

/** Per-horizon-step calibration fitted on the validation split. */
export interface ForecastCalibration {
  /** α: the median log-return is multiplied by this (1 = as trained, 0 = the naive forecast). */
  readonly medianScale: readonly number[];
  /** β: every quantile's distance from the median is multiplied by this (conformal interval width). */
  readonly spreadScale: readonly number[];
}

/** Validation forecasts and outcomes, both cumulative log-returns. */
export interface CalibrationInput {
  /** Uncalibrated forecasts [n, horizon, Q]. */
  readonly predictions: Float32Array;
  /** Realised cumulative log-returns [n, horizon]. */
  readonly actual: Float32Array;
  readonly horizon: number;
  readonly quantiles: readonly number[];
}

/** Candidate median scales: a coarse grid is enough and cannot overfit the validation split. */
const MEDIAN_SCALES = Array.from({ length: 21 }, (_, i) => i / 20);
/** Interval widths are never shrunk below a tenth or stretched beyond ten times what the model learned. */
const SPREAD_LIMITS = { min: 0.1, max: 10 } as const;

/**
 * Fit, per horizon step, α (shrink the median toward the naive zero-return forecast: the smallest α in
 * [0, 1] whose validation MAE is within one standard error of the best) and β (scale the interval so the outer quantile pair covers its
 * nominal share of validation outcomes: split-conformal calibration). The test split is never touched.
 */
export function fitForecastCalibration(input: CalibrationInput): ForecastCalibration {
  const { predictions, actual, horizon, quantiles } = input;
  const q = quantiles.length;
  const n = actual.length / horizon;
  if (!Number.isInteger(n) || predictions.length !== n * horizon * q) {
    throw new RangeError(`calibration: predictions [${predictions.length}] do not match actual [${actual.length}] for horizon ${horizon} and ${q} quantiles`);
  }
  const m = medianIndex(quantiles);
  const medianScale: number[] = [];
  const spreadScale: number[] = [];
  for (let h = 0; h < horizon; h++) {
    const median = (i: number) => predictions[(i * horizon + h) * q + m]!;
    const outcome = (i: number) => actual[i * horizon + h]!;
    const bestAlpha = chooseMedianScale(n, median, outcome);
    medianScale.push(bestAlpha);
    spreadScale.push(q > 1 ? conformalSpread(n, (i) => bestAlpha * median(i), outcome, (i) => predictions[(i * horizon + h) * q]! - median(i), (i) => predictions[(i * horizon + h) * q + q - 1]! - median(i), quantiles[q - 1]! - quantiles[0]!) : 1);
  }
  return { medianScale, spreadScale };
}

/**
 * The one-standard-error rule: among the α whose validation MAE is within one standard error (of the paired
 * difference) of the best α's, take the smallest. Shrinking toward naive is the default; keeping more of the
 * model's median must be earned by an improvement larger than validation noise.
 */
function chooseMedianScale(n: number, median: (i: number) => number, outcome: (i: number) => number): number {
  const errors = MEDIAN_SCALES.map((alpha) => Float64Array.from({ length: n }, (_, i) => Math.abs(outcome(i) - alpha * median(i))));
  const means = errors.map((e) => e.reduce((sum, v) => sum + v, 0) / n);
  const best = means.indexOf(Math.min(...means));
  for (let k = 0; k < MEDIAN_SCALES.length; k++) {
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const d = errors[k]![i]! - errors[best]![i]!;
      sum += d;
      sumSquares += d * d;
    }
    const mean = sum / n;
    const standardError = n > 1 ? Math.sqrt(Math.max(0, sumSquares / n - mean * mean) / (n - 1)) : 0;
    if (mean <= standardError + 1e-15) return MEDIAN_SCALES[k]!;
  }
  return MEDIAN_SCALES[best]!;
}

function conformalSpread(
  n: number,
  centre: (i: number) => number,
  outcome: (i: number) => number,
  lowOffset: (i: number) => number,
  highOffset: (i: number) => number,
  level: number,
): number {
  // For each outcome, the smallest β whose interval centre + β·offset contains it.
  const needed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const distance = outcome(i) - centre(i);
    const reach = distance >= 0 ? highOffset(i) : -lowOffset(i);
    needed[i] = reach > 0 ? Math.abs(distance) / reach : SPREAD_LIMITS.max;
  }
  needed.sort();
  // Split-conformal quantile with the finite-sample correction ⌈(n + 1)·level⌉.
  const rank = Math.min(n, Math.ceil((n + 1) * level)) - 1;
  const beta = needed[Math.max(0, rank)]!;
  return Math.min(SPREAD_LIMITS.max, Math.max(SPREAD_LIMITS.min, beta));
}

/**
 * Fold a calibration into the weights, so every consumer (TensorFlow.js predictions, the ONNX graph, the
 * server) applies it without knowing it exists: y' = ts·(α·median + β·offsets) becomes median head
 * columns scaled by α/β and targetScale scaled by β.
 */
export function applyForecastCalibration(weights: QuantileLstmWeights, calibration: ForecastCalibration): QuantileLstmWeights {
  const { horizon, quantiles, units } = weights;
  const q = quantiles.length;
  const m = medianIndex(quantiles);
  const kernel = Float32Array.from(weights.head.kernel);
  const bias = Float32Array.from(weights.head.bias);
  const columns = horizon * q;
  for (let h = 0; h < horizon; h++) {
    const ratio = calibration.medianScale[h]! / calibration.spreadScale[h]!;
    const column = h * q + m;
    for (let u = 0; u < units; u++) kernel[u * columns + column]! *= ratio;
    bias[column]! *= ratio;
  }
  return {
    ...weights,
    head: { kernel, bias },
    targetScale: weights.targetScale.map((scale, h) => scale * calibration.spreadScale[h]!),
  };
}
