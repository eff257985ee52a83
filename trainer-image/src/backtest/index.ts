/** The trainer's backtest: the model against naive baselines over rolling origins. */
export { runBacktest, type BacktestData, type BacktestFoldInput, type BacktestInput } from './run-backtest.ts';
export { headlineMetrics, summariseBacktest, verdict } from './summary.ts';
export { BASELINE_NAMES, type BaselineName } from './baselines.ts';
export { buildRollingOrigins, EVALUATION_SCHEME, ROLLING_ORIGINS, type RollingFold } from './rolling-origins.ts';
export { BACKTEST_SCHEMA_VERSION, type Backtest, type BacktestFold, type ForecasterBacktest, type ForecasterName, type StepMetrics } from './types.ts';
