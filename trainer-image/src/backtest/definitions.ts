import { EWMA_LAMBDA } from './ewma-volatility.ts';

/** How backtest.json defines its metrics and tests; written into the file so readers need not guess. */
export const BACKTEST_DEFINITIONS: Readonly<Record<string, string>> = Object.freeze({
  prices: 'all metrics compare forecast and actual closes (quote currency) at each horizon step, per fold over its test block and aggregated over every fold’s test block together',
  folds:
    'rolling origin, expanding window: the most recent test share of samples is cut into equal consecutive blocks; fold k trains on every sample before block k (its last validation share for early stopping and calibration, purged at both boundaries) and is scored on block k. The served model is the last fold’s',
  modelPoint: 'model point forecast = anchor close · exp(predicted median cumulative log return)',
  mae: 'mean of |forecast − actual|',
  rmse: 'square root of the mean of (forecast − actual)²',
  mape: 'mean of |forecast − actual| / actual, in percent',
  mase: 'MAE divided by the MAE of naive persistence on the same test samples and step, so naive persistence scores exactly 1; below 1 is a lower error, not by itself evidence of skill (see tests)',
  directionalAccuracy:
    'over the samples where the forecaster predicts a move (forecast ≠ anchor close), the share whose sign(forecast − anchor close) equals sign(actual − anchor close); flat forecasts are excluded, so naive persistence has none (null, count 0). directionalCount is how many samples called a move, directionalShare their share of all samples',
  coverage: 'share of actual closes inside [lower, upper] of the outer interval, bounds included',
  winkler: 'mean of (upper − lower) + (2/α)·(lower − actual if below) + (2/α)·(actual − upper if above), α = 1 − intervalLevel',
  modelInterval: 'model interval = prices of the lowest and highest quantiles (taken as the span between them if they cross)',
  baselineInterval:
    'baseline interval = point forecast + anchor close · scale · q, with q the empirical (linear-interpolated) lowest and highest quantiles, per step, of (actual − forecast) / (anchor close · scale) on the fold’s training split; scale = 1 except for ewmaVolatility',
  seasonalNaive: 'step s repeats the close s − m·ceil(s/m) steps from the anchor, m = candles per day; a missing candle falls back to the anchor close (counted in fallbackSteps)',
  drift: 'anchor close + s · (anchor close − close window steps earlier) / window',
  ewmaVolatility: `naive persistence with scale = σ at the anchor, σ² the exponentially weighted moving average of squared one-candle log returns, σ²ₜ = λσ²ₜ₋₁ + (1 − λ)r²ₜ with RiskMetrics λ = ${EWMA_LAMBDA}; its quantile multipliers are fitted per step on the training split`,
  tests:
    'Diebold–Mariano test of equal predictive accuracy over all folds’ test samples in time order: the median against naive persistence on absolute error, the outer interval against the baseline interval with the lowest aggregate Winkler score on the Winkler score. Per step h the loss-difference variance is the Newey–West (Bartlett) long-run variance with h − 1 lags; overall, each sample’s losses are divided by the other forecaster’s mean loss at each step and averaged over the horizon, with horizon − 1 lags. The statistic carries the Harvey–Leybourne–Newbold small-sample correction and the two-sided p-value comes from Student t with n − 1 degrees of freedom. Differences below 1e-9 of the losses count as ties; identical losses give p = 1',
  verdict: 'p < 0.05 and lower mean loss: "beats"; p < 0.05 and higher mean loss: "worse than"; otherwise "no evidence of skill vs" (a tie is never a win)',
  trainingSeconds: 'wall time of a fold: training, calibration and forecasting its test block',
});
