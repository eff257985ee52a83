// backtest.json's layout is shared with its readers, so it is declared in core/.
export {
  BACKTEST_SCHEMA_VERSION,
  type Backtest,
  type BacktestFold,
  type Comparison,
  type DieboldMarianoTest,
  type ForecasterBacktest,
  type ForecasterName,
  type StepMetrics,
} from '../../../core/backtest.ts';
