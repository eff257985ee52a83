import type { Comparison, DieboldMarianoTest } from '../../../core/backtest.ts';
import { dieboldMariano } from './diebold-mariano.ts';
import type { ForecastSeries } from './forecast-series.ts';
import { roundSignificant } from './significant.ts';
import { describeComparison } from './verdict.ts';

/** Per-sample losses [step][sample] of one forecaster. */
export type StepLosses = readonly Float64Array[];

/** |forecast − actual| of the point forecast, per step and sample. */
export function absoluteErrors(series: ForecastSeries, actual: readonly Float64Array[]): StepLosses {
  return actual.map((outcome, h) => outcome.map((y, i) => Math.abs(series.point[h]![i]! - y)));
}

/** Winkler score of each sample's interval (nominal coverage `level`), per step; null without an interval. */
export function winklerLosses(series: ForecastSeries, actual: readonly Float64Array[], level: number): StepLosses | null {
  const interval = series.interval;
  if (!interval) return null;
  const penalty = 2 / (1 - level);
  return actual.map((outcome, h) =>
    outcome.map((y, i) => {
      const lo = interval.lower[h]![i]!;
      const hi = interval.upper[h]![i]!;
      return hi - lo + (y < lo ? penalty * (lo - y) : 0) + (y > hi ? penalty * (y - hi) : 0);
    }),
  );
}

/**
 * Diebold–Mariano tests of the model's losses against another forecaster's on the same samples: one per
 * step h (autocorrelation up to lag h − 1), and one over the horizon on each sample's mean over steps of
 * loss / (the other's mean loss at that step), so every step weighs alike (lags up to horizon − 1).
 */
export function compareLosses(model: StepLosses, other: StepLosses, against: string): Comparison {
  const horizon = model.length;
  const steps = model.map((losses, h) => test(losses, other[h]!, h + 1, against));
  const n = model[0]!.length;
  const scale = other.map((losses) => losses.reduce((sum, v) => sum + v, 0) / n || 1);
  const mean = (losses: StepLosses) => Float64Array.from({ length: n }, (_, i) => losses.reduce((sum, step, h) => sum + step[i]! / scale[h]!, 0) / horizon);
  return { overall: test(mean(model), mean(other), horizon, against), steps };
}

function test(model: ArrayLike<number>, other: ArrayLike<number>, horizon: number, against: string): DieboldMarianoTest {
  const result = dieboldMariano(model, other, horizon);
  return {
    against,
    n: result.n,
    horizon,
    meanLossDifference: roundSignificant(result.meanLossDifference),
    statistic: result.statistic === null ? null : roundSignificant(result.statistic),
    pValue: roundSignificant(result.pValue),
    verdict: describeComparison(result, against),
  };
}
