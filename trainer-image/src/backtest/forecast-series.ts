import type { DatasetSample } from '../dataset/types.ts';
import type { Baseline } from './baselines.ts';
import { fitResidualBounds } from './residual-intervals.ts';

/** Per-step forecasts of one forecaster over some samples: index [step][sample]. */
export interface ForecastSeries {
  readonly point: Float64Array[];
  readonly interval: { readonly lower: Float64Array[]; readonly upper: Float64Array[] } | null;
  readonly fallbackSteps: number;
}

/** The model's median price and outer interval from its predictions [samples, horizon, Q] of cumulative log returns. */
export function modelSeries(predictions: Float32Array, samples: readonly DatasetSample[], horizon: number, quantiles: readonly number[]): ForecastSeries {
  const count = quantiles.length;
  const median = quantiles.indexOf(0.5);
  const price = (i: number, h: number, q: number): number => samples[i]!.anchorClose * Math.exp(predictions[(i * horizon + h) * count + q]!);
  const point = perStep(horizon, samples.length, (h, i) => price(i, h, median));
  if (count < 2) return { point, interval: null, fallbackSteps: 0 };
  // Quantile heads can cross on unusual inputs; the interval is the span between the outer two either way.
  const lower = perStep(horizon, samples.length, (h, i) => Math.min(price(i, h, 0), price(i, h, count - 1)));
  const upper = perStep(horizon, samples.length, (h, i) => Math.max(price(i, h, 0), price(i, h, count - 1)));
  return { point, interval: { lower, upper }, fallbackSteps: 0 };
}

/** A baseline's forecasts on `test`, with an interval from its residual quantiles on `train` when `outer` is given. */
export function baselineSeries(baseline: Baseline, train: readonly DatasetSample[], test: readonly DatasetSample[], horizon: number, outer: readonly [number, number] | null): ForecastSeries {
  const forecasts = test.map((sample) => baseline.forecast(sample));
  const point = perStep(horizon, test.length, (h, i) => forecasts[i]!.closes[h]!);
  const fallbackSteps = forecasts.reduce((sum, f) => sum + f.fallbackSteps, 0);
  if (!outer) return { point, interval: null, fallbackSteps };
  const bounds = fitResidualBounds(baseline, train, horizon, outer[0], outer[1]);
  const scale = test.map((sample) => sample.anchorClose * (baseline.intervalScale?.(sample) ?? 1));
  const lower = perStep(horizon, test.length, (h, i) => point[h]![i]! + scale[i]! * bounds.lower[h]!);
  const upper = perStep(horizon, test.length, (h, i) => point[h]![i]! + scale[i]! * bounds.upper[h]!);
  return { point, interval: { lower, upper }, fallbackSteps };
}

/** Several folds' series one after another, as if they were one forecast run. */
export function concatSeries(parts: readonly ForecastSeries[]): ForecastSeries {
  const join = (pick: (s: ForecastSeries) => Float64Array[] | undefined): Float64Array[] | undefined => {
    const steps = parts.map(pick);
    if (steps.some((s) => s === undefined)) return undefined;
    return steps[0]!.map((_, h) => concat(steps.map((s) => s![h]!)));
  };
  const point = join((s) => s.point)!;
  const lower = join((s) => s.interval?.lower);
  const upper = join((s) => s.interval?.upper);
  return { point, interval: lower && upper ? { lower, upper } : null, fallbackSteps: parts.reduce((sum, s) => sum + s.fallbackSteps, 0) };
}

/** Arrays [step][sample] from a function of (step, sample). */
export function perStep(horizon: number, samples: number, value: (h: number, i: number) => number): Float64Array[] {
  return Array.from({ length: horizon }, (_, h) => Float64Array.from({ length: samples }, (_, i) => value(h, i)));
}

/** One array after another. */
export function concat(arrays: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
