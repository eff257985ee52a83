/**
 * Per-step blend of the network's interval with naive persistence's empirical interval, fitted on the
 * validation split. For quantile q at step h, with y the network's cumulative log returns and m the median:
 * y'[q] = y[m] + w[h]·(y[q] − y[m]) + (1 − w[h])·c[h][q]; the median itself is unchanged (c[h][m] = 0).
 * w = 1 serves the network's interval as calibrated, w = 0 naive's (around the model's median).
 */
export interface IntervalFallback {
  /** w per horizon step, in [0, 1]. */
  readonly modelWeight: readonly number[];
  /** c: naive persistence's empirical quantiles of cumulative log return, [horizon · Q] with index step · Q + q; 0 at the median. */
  readonly naiveOffset: readonly number[];
}

/** Apply a fallback in place to forecasts [n, horizon, Q] (row-major) of cumulative log returns. */
export function applyIntervalFallback(forecasts: Float32Array, fallback: IntervalFallback, horizon: number, quantileCount: number, median: number): Float32Array {
  const perForecast = horizon * quantileCount;
  for (let start = 0; start < forecasts.length; start += perForecast) {
    for (let h = 0; h < horizon; h++) {
      const w = fallback.modelWeight[h]!;
      if (w === 1) continue;
      const row = start + h * quantileCount;
      const centre = forecasts[row + median]!;
      for (let q = 0; q < quantileCount; q++) {
        if (q === median) continue;
        forecasts[row + q] = centre + w * (forecasts[row + q]! - centre) + (1 - w) * fallback.naiveOffset[h * quantileCount + q]!;
      }
    }
  }
  return forecasts;
}
