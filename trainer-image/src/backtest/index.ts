/** The trainer's backtest: the model against naive baselines on the test split. */
export { runBacktest, type BacktestData, type BacktestInput } from './run-backtest.ts';
export { headlineMetrics, summariseBacktest, verdict } from './summary.ts';
export { BASELINE_NAMES, type BaselineName } from './baselines.ts';
export { BACKTEST_SCHEMA_VERSION, type Backtest, type BacktestPrediction, type ForecasterBacktest, type ForecasterName, type StepMetrics } from './types.ts';
