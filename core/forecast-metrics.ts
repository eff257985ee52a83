// Point and interval error measures for one horizon step; every array holds one value per sample. Shared by
// the trainer's backtest and the inference service's live track record, so both score forecasts the same way.

/** Mean absolute error. */
export function meanAbsoluteError(forecast: ArrayLike<number>, actual: ArrayLike<number>): number {
  return mean(forecast, actual, (f, a) => Math.abs(f - a));
}

/** Root mean squared error. */
export function rootMeanSquaredError(forecast: ArrayLike<number>, actual: ArrayLike<number>): number {
  return Math.sqrt(mean(forecast, actual, (f, a) => (f - a) ** 2));
}

/** Mean absolute percentage error, in percent of the actual value. */
export function meanAbsolutePercentageError(forecast: ArrayLike<number>, actual: ArrayLike<number>): number {
  return 100 * mean(forecast, actual, (f, a) => Math.abs((f - a) / a));
}

/** Directional accuracy over the samples where a forecaster called a move. */
export interface DirectionalScore {
  /** Share of called moves whose sign matched the actual move; null when no move was called. */
  readonly accuracy: number | null;
  /** Samples with a non-zero predicted change: the ones scored. */
  readonly count: number;
  /** count over all samples. */
  readonly share: number;
}

/**
 * Directional accuracy counted only where the forecast moves away from `origin`: a flat forecast makes no
 * up/down call, so it is neither a hit nor a miss, and naive persistence (always flat) has no accuracy
 * (null, count 0) rather than 0 %. A called move scores when the actual change has the same sign; an
 * unchanged close is a miss for any called move.
 */
export function directionalScore(forecast: ArrayLike<number>, actual: ArrayLike<number>, origin: ArrayLike<number>): DirectionalScore {
  const total = origin.length;
  if (forecast.length !== total || actual.length !== total) throw new RangeError(`directional inputs differ in length: ${forecast.length}, ${actual.length} and ${total}`);
  if (total === 0) throw new RangeError('directional inputs are empty');
  let called = 0;
  let hits = 0;
  for (let i = 0; i < total; i++) {
    const predicted = Math.sign(forecast[i]! - origin[i]!);
    if (predicted === 0) continue;
    called++;
    if (predicted === Math.sign(actual[i]! - origin[i]!)) hits++;
  }
  return { accuracy: called === 0 ? null : hits / called, count: called, share: called / total };
}

/** Share of actual values inside [lower, upper], bounds included. */
export function intervalCoverage(lower: ArrayLike<number>, upper: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkedLength(lower, upper);
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  return inside / checkedLength(actual, lower);
}

/**
 * Mean Winkler (interval) score of a central interval with nominal coverage `level`: the width, plus
 * 2/α times the distance by which the outcome falls outside, where α = 1 − level. Lower is better.
 */
export function winklerScore(lower: ArrayLike<number>, upper: ArrayLike<number>, actual: ArrayLike<number>, level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`interval level must be between 0 and 1, got ${level}`);
  checkedLength(lower, upper);
  const penalty = 2 / (1 - level);
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    const lo = lower[i]!;
    const hi = upper[i]!;
    const y = actual[i]!;
    total += hi - lo + (y < lo ? penalty * (lo - y) : 0) + (y > hi ? penalty * (y - hi) : 0);
  }
  return total / checkedLength(actual, lower);
}

function mean(forecast: ArrayLike<number>, actual: ArrayLike<number>, loss: (f: number, a: number) => number): number {
  let total = 0;
  for (let i = 0; i < actual.length; i++) total += loss(forecast[i]!, actual[i]!);
  return total / checkedLength(forecast, actual);
}

function checkedLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`metric inputs differ in length: ${a.length} and ${b.length}`);
  if (a.length === 0) throw new RangeError('metric inputs are empty');
  return a.length;
}
