// Point and interval error measures for one horizon step; every array holds one value per test sample.

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

/**
 * Share of samples whose forecast moves in the same direction from `origin` as the actual value, with
 * three directions: up, down and flat. A forecast of no change (naive persistence) therefore scores only
 * when the price did not move at all — it makes no up/down call, so it earns no credit for one.
 */
export function directionalAccuracy(forecast: ArrayLike<number>, actual: ArrayLike<number>, origin: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Math.sign(forecast[i]! - origin[i]!) === Math.sign(actual[i]! - origin[i]!)) hits++;
  }
  return hits / checkedLength(actual, origin);
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
