import { directionalScore, intervalCoverage, meanAbsoluteError, winklerScore } from '../../../core/forecast-metrics.ts';

/** What the model forecast at one past candle (the origin), as prices per horizon step. */
export interface PastForecast {
  /** Open time of the origin: the last candle the forecast saw. */
  readonly originTime: number;
  /** Close of the origin candle: naive persistence's forecast for every step. */
  readonly anchorClose: number;
  /** Index [step − 1]. */
  readonly median: Float64Array;
  /** Outer interval bounds (the lowest and highest quantile prices, ordered); undefined with a single quantile. */
  readonly lower: Float64Array | undefined;
  readonly upper: Float64Array | undefined;
}

/** Scores of one horizon step, or of the whole horizon; every figure is null without samples. */
export interface StepScore {
  /** 1-based step, or "all". */
  readonly step: number | 'all';
  readonly samples: number;
  /** MAE of the median divided by naive persistence's MAE on the same samples; null when naive's MAE is 0. */
  readonly mase: number | null;
  readonly mae: number | null;
  /** Share of outcomes inside the outer interval (0–1). */
  readonly coverage: number | null;
  readonly winkler: number | null;
  readonly directionalAccuracy: number | null;
}

/** Per-step scores and the horizon average. */
export interface TrackRecordScores {
  readonly steps: readonly StepScore[];
  /** Averages over the horizon of the step scores, on the forecasts whose every step has an outcome. */
  readonly overall: StepScore;
}

/** What {@link scorePastForecasts} needs besides the forecasts. */
export interface ScoringOptions {
  readonly stepMs: number;
  readonly horizon: number;
  /** Nominal coverage of the outer interval (highest minus lowest quantile); null without an interval. */
  readonly intervalLevel: number | null;
  /** Close of the candle opening at `time`, undefined while it has not closed (or the exchange has a hole there). */
  readonly closeAt: (time: number) => number | undefined;
}

/**
 * Score past forecasts against what happened, the way the trainer's backtest scores its test split: at each
 * step, the median against the actual close (MAE, MASE vs naive persistence, direction) and the outer
 * interval (coverage, Winkler). A step counts every forecast whose outcome is known; the overall figures
 * average the steps over the forecasts complete at every step, like the backtest's headline averages.
 */
export function scorePastForecasts(forecasts: readonly PastForecast[], options: ScoringOptions): TrackRecordScores {
  const { stepMs, horizon, closeAt, intervalLevel } = options;
  // actual[h][i]: the close h + 1 candles after forecast i's origin, NaN while unknown.
  const actual = Array.from({ length: horizon }, (_, h) => Float64Array.from(forecasts, (forecast) => closeAt(forecast.originTime + (h + 1) * stepMs) ?? Number.NaN));
  const complete = forecasts.map((_, i) => actual.every((closes) => !Number.isNaN(closes[i]!)));
  const steps = actual.map((closes, h) => scoreStep(h + 1, h, forecasts, closes, (i) => !Number.isNaN(closes[i]!), intervalLevel));
  const completeSteps = actual.map((closes, h) => scoreStep(h + 1, h, forecasts, closes, (i) => complete[i]!, intervalLevel));
  return { steps, overall: averageSteps(completeSteps, complete.filter(Boolean).length) };
}

/** Step `h` (0-based) scored on the forecasts `included` picks, in plain arrays for the shared metric functions. */
function scoreStep(
  step: number,
  h: number,
  forecasts: readonly PastForecast[],
  closes: Float64Array,
  included: (i: number) => boolean,
  intervalLevel: number | null,
): StepScore {
  const picked: number[] = [];
  for (let i = 0; i < forecasts.length; i++) if (included(i)) picked.push(i);
  if (picked.length === 0) return emptyScore(step);
  const n = picked.length;
  const actual = new Float64Array(n);
  const median = new Float64Array(n);
  const naive = new Float64Array(n);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  let hasInterval = intervalLevel !== null;
  for (let k = 0; k < n; k++) {
    const forecast = forecasts[picked[k]!]!;
    actual[k] = closes[picked[k]!]!;
    median[k] = forecast.median[h]!;
    naive[k] = forecast.anchorClose;
    if (forecast.lower === undefined || forecast.upper === undefined) hasInterval = false;
    else {
      lower[k] = forecast.lower[h]!;
      upper[k] = forecast.upper[h]!;
    }
  }
  const mae = meanAbsoluteError(median, actual);
  const naiveMae = meanAbsoluteError(naive, actual);
  return {
    step,
    samples: n,
    // Prices that never moved leave nothing to scale by: no MASE rather than an infinite one.
    mase: naiveMae > 0 ? mae / naiveMae : null,
    mae,
    coverage: hasInterval ? intervalCoverage(lower, upper, actual) : null,
    winkler: hasInterval && intervalLevel !== null ? winklerScore(lower, upper, actual, intervalLevel) : null,
    directionalAccuracy: directionalScore(median, actual, naive).accuracy,
  };
}

function averageSteps(steps: readonly StepScore[], samples: number): StepScore {
  if (samples === 0) return emptyScore('all');
  const average = (value: (step: StepScore) => number | null): number | null => {
    const values = steps.map(value);
    return values.some((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + v!, 0) / values.length;
  };
  return {
    step: 'all',
    samples,
    mase: average((s) => s.mase),
    mae: average((s) => s.mae),
    coverage: average((s) => s.coverage),
    winkler: average((s) => s.winkler),
    // A step where the median never moved has no directional accuracy; the others still say something.
    directionalAccuracy: averageKnown(steps.map((s) => s.directionalAccuracy)),
  };
}

function averageKnown(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((sum, v) => sum + v, 0) / known.length;
}

function emptyScore(step: number | 'all'): StepScore {
  return { step, samples: 0, mase: null, mae: null, coverage: null, winkler: null, directionalAccuracy: null };
}
