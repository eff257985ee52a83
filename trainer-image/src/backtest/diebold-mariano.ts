import jStat from 'jstat';

/** Outcome of a Diebold–Mariano test of equal predictive accuracy between two forecasters. */
export interface DieboldMarianoResult {
  /** Paired samples compared. */
  readonly n: number;
  /** Forecast horizon h: the variance allows autocorrelation up to h − 1 lags. */
  readonly horizon: number;
  /** Mean of loss(model) − loss(other): below 0, the model's losses are lower. */
  readonly meanLossDifference: number;
  /** HLN-corrected statistic; null when the losses differ by a constant (zero variance, non-zero mean). */
  readonly statistic: number | null;
  /** Two-sided p-value from Student t with n − 1 degrees of freedom; 1 for identical losses. */
  readonly pValue: number;
}

/**
 * Loss differences this close to zero, relative to the losses themselves, are floating-point noise: a
 * forecast equal to the other's in exact arithmetic must count as a tie, not as a tiny significant edge.
 */
const TIE_TOLERANCE = 1e-9;

/**
 * Diebold–Mariano test (1995) of loss(model) against loss(other) on the same samples, with the
 * Newey–West (Bartlett-weighted) autocovariance estimate over h − 1 lags, because h-step-ahead errors of
 * overlapping forecasts are autocorrelated up to lag h − 1, and the Harvey–Leybourne–Newbold (1997)
 * small-sample correction with Student t (n − 1 df). Matches R's forecast::dm.test(varestimator = "bartlett").
 */
export function dieboldMariano(modelLoss: ArrayLike<number>, otherLoss: ArrayLike<number>, horizon: number): DieboldMarianoResult {
  const n = modelLoss.length;
  if (otherLoss.length !== n) throw new RangeError(`Diebold–Mariano: loss series differ in length: ${n} and ${otherLoss.length}`);
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`Diebold–Mariano: horizon must be a positive integer, got ${horizon}`);
  const correction = (n + 1 - 2 * horizon + (horizon * (horizon - 1)) / n) / n;
  if (n < 2 || !(correction > 0)) throw new RangeError(`Diebold–Mariano: ${n} samples are too few for horizon ${horizon}`);

  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = modelLoss[i]!;
    const b = otherLoss[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`Diebold–Mariano: loss ${i} is not finite (${a}, ${b})`);
    const difference = a - b;
    d[i] = Math.abs(difference) <= TIE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) ? 0 : difference;
  }
  const mean = d.reduce((sum, v) => sum + v, 0) / n;
  const variance = longRunVariance(d, mean, horizon) / n;
  const result = { n, horizon, meanLossDifference: mean };
  if (!(variance > 0)) {
    // No spread at all: either identical losses (a tie) or one forecaster is better by the same amount every time.
    return mean === 0 ? { ...result, statistic: 0, pValue: 1 } : { ...result, statistic: null, pValue: 0 };
  }
  const statistic = (mean / Math.sqrt(variance)) * Math.sqrt(correction);
  const pValue = Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(statistic), n - 1));
  return { ...result, statistic, pValue };
}

/** γ0 + 2 Σ_{j<h} (1 − j/h) γj, with autocovariances γj divided by n as R's acf does. */
function longRunVariance(d: Float64Array, mean: number, horizon: number): number {
  const n = d.length;
  let total = 0;
  for (let lag = 0; lag < Math.min(horizon, n); lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += (d[i]! - mean) * (d[i - lag]! - mean);
    const autocovariance = sum / n;
    total += lag === 0 ? autocovariance : 2 * (1 - lag / horizon) * autocovariance;
  }
  return total;
}
