import type { SampleRange } from '../dataset/types.ts';
import type { BaselineName } from './baselines.ts';

/** Layout version of backtest.json. */
export const BACKTEST_SCHEMA_VERSION = 1;

/** Metrics of one forecaster at one horizon step over all test samples (prices, quote currency). */
export interface StepMetrics {
  /** 1-based horizon step. */
  readonly step: number;
  readonly mae: number;
  readonly rmse: number;
  /** Percent. */
  readonly mape: number;
  readonly mase: number;
  readonly directionalAccuracy: number;
  /** Null when the forecaster has no interval (a single quantile). */
  readonly coverage: number | null;
  readonly winkler: number | null;
}

/** The model or one of the baselines. */
export type ForecasterName = 'model' | BaselineName;

/** One forecaster's per-step metrics and how its interval was made. */
export interface ForecasterBacktest {
  readonly description: string;
  /** Where the interval comes from, or null when there is none. */
  readonly interval: string | null;
  /** Forecast steps that had to fall back to the anchor close (seasonal naive over holes); 0 otherwise. */
  readonly fallbackSteps: number;
  readonly steps: readonly StepMetrics[];
}

/** One test sample: its origin, what happened, and the model's quantile prices. */
export interface BacktestPrediction {
  /** Anchor candle open time, ms since the epoch. */
  readonly time: number;
  /** Anchor close. */
  readonly close: number;
  /** Actual closes at steps 1..horizon. */
  readonly actual: readonly number[];
  /** Model prices [horizon][quantile], anchor close · exp(predicted log return). */
  readonly quantiles: readonly (readonly number[])[];
}

/** The content of backtest.json. */
export interface Backtest {
  readonly schemaVersion: typeof BACKTEST_SCHEMA_VERSION;
  readonly timeframe: string;
  readonly window: number;
  readonly horizon: number;
  readonly quantiles: readonly number[];
  /** Nominal coverage of the outer interval (highest minus lowest quantile); null with one quantile. */
  readonly intervalLevel: number | null;
  readonly test: SampleRange;
  /** How each metric and interval is defined, so the file explains itself. */
  readonly definitions: Readonly<Record<string, string>>;
  readonly forecasters: Readonly<Record<ForecasterName, ForecasterBacktest>>;
  readonly predictions: readonly BacktestPrediction[];
}
