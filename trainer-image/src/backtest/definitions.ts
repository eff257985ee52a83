/** How backtest.json defines its metrics; written into the file so readers need not guess. */
export const BACKTEST_DEFINITIONS: Readonly<Record<string, string>> = Object.freeze({
  prices: 'all metrics compare forecast and actual closes (quote currency) at each horizon step over the test split',
  modelPoint: 'model point forecast = anchor close · exp(predicted median cumulative log return)',
  mae: 'mean of |forecast − actual|',
  rmse: 'square root of the mean of (forecast − actual)²',
  mape: 'mean of |forecast − actual| / actual, in percent',
  mase: 'MAE divided by the MAE of naive persistence on the same test samples and step, so naive persistence scores exactly 1; below 1 beats it',
  directionalAccuracy:
    'share of samples where sign(forecast − anchor close) equals sign(actual − anchor close), with up, down and flat as three classes: a no-change forecast scores only when the close did not move',
  coverage: 'share of actual closes inside [lower, upper] of the outer interval, bounds included',
  winkler: 'mean of (upper − lower) + (2/α)·(lower − actual if below) + (2/α)·(actual − upper if above), α = 1 − intervalLevel',
  modelInterval: "model interval = prices of the lowest and highest quantiles (taken as the span between them if they cross)",
  baselineInterval:
    'baseline interval = point forecast + anchor close · q, with q the empirical (linear-interpolated) lowest and highest quantiles, per step, of (actual − forecast) / anchor close on the training split',
  seasonalNaive: 'step s repeats the close s − m·ceil(s/m) steps from the anchor, m = candles per day; a missing candle falls back to the anchor close (counted in fallbackSteps)',
  drift: 'anchor close + s · (anchor close − close window steps earlier) / window',
});
