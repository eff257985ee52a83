import Type, { type Static } from 'typebox';
import type { ArtifactStore } from './artifact-store.ts';
import { ARTIFACT_FILES } from './manifest.ts';
import { firstProblem } from './spec.ts';

/** Layout version of backtest.json this code writes and reads. Version 2: rolling origins and Diebold–Mariano tests. */
export const BACKTEST_SCHEMA_VERSION = 2;

/** Forecasters every backtest scores, in reporting order: the model, then the baselines. */
export const FORECASTER_NAMES = ['model', 'naive', 'seasonalNaive', 'drift', 'ewmaVolatility'] as const;

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const SampleRangeSchema = Type.Object({ from: Type.String(), to: Type.String(), samples: Type.Integer({ minimum: 0 }) });

/** Metrics of one forecaster at one horizon step (prices, quote currency). */
export const StepMetricsSchema = Type.Object({
  step: Type.Integer({ minimum: 1 }),
  mae: Type.Number(),
  rmse: Type.Number(),
  mape: Type.Number({ description: 'percent' }),
  mase: Type.Number(),
  directionalAccuracy: Nullable(Type.Number({ description: 'share of called moves in the right direction; null when the forecaster never called a move' })),
  directionalCount: Type.Integer({ minimum: 0, description: 'samples with a non-zero predicted change' }),
  directionalShare: Type.Number({ description: 'directionalCount over all samples' }),
  coverage: Nullable(Type.Number()),
  winkler: Nullable(Type.Number()),
});

/** One forecaster's per-step metrics and how its interval was made. */
export const ForecasterBacktestSchema = Type.Object({
  description: Type.String(),
  interval: Nullable(Type.String()),
  fallbackSteps: Type.Integer({ minimum: 0 }),
  steps: Type.Array(StepMetricsSchema),
});

const ForecastersSchema = Type.Object(Object.fromEntries(FORECASTER_NAMES.map((name) => [name, ForecasterBacktestSchema])) as Record<(typeof FORECASTER_NAMES)[number], typeof ForecasterBacktestSchema>);

/** A Diebold–Mariano comparison of the model with one other forecaster. */
export const DieboldMarianoTestSchema = Type.Object({
  against: Type.String({ description: 'the forecaster compared with' }),
  n: Type.Integer(),
  horizon: Type.Integer({ description: 'autocorrelation lags allowed: horizon − 1' }),
  meanLossDifference: Type.Number({ description: 'mean of loss(model) − loss(other); negative favours the model' }),
  statistic: Nullable(Type.Number()),
  pValue: Type.Number({ description: 'two-sided' }),
  verdict: Type.String(),
});

/** Tests per horizon step and over the whole horizon. */
export const ComparisonSchema = Type.Object({ overall: DieboldMarianoTestSchema, steps: Type.Array(DieboldMarianoTestSchema) });

/** One rolling origin: where it trained and tested, how long training took, and every forecaster's metrics. */
export const BacktestFoldSchema = Type.Object({
  fold: Type.Integer({ minimum: 1 }),
  train: SampleRangeSchema,
  validation: SampleRangeSchema,
  test: SampleRangeSchema,
  trainingSeconds: Type.Number(),
  forecasters: ForecastersSchema,
});

/** The content of backtest.json. */
export const BacktestSchema = Type.Object({
  schemaVersion: Type.Literal(BACKTEST_SCHEMA_VERSION),
  timeframe: Type.String(),
  window: Type.Integer(),
  horizon: Type.Integer(),
  quantiles: Type.Array(Type.Number()),
  intervalLevel: Nullable(Type.Number()),
  evaluation: Type.Object({ scheme: Type.String(), folds: Type.Integer({ minimum: 1 }), finalModel: Type.String() }),
  /** Every fold's test samples together. */
  test: SampleRangeSchema,
  definitions: Type.Record(Type.String(), Type.String()),
  folds: Type.Array(BacktestFoldSchema),
  /** Metrics over the test samples of all folds together. */
  aggregate: ForecastersSchema,
  tests: Type.Object({ median: ComparisonSchema, interval: Nullable(ComparisonSchema) }),
  /** Closes on the candle grid from the first test anchor to the last target, once: null where the exchange has a hole. */
  closes: Type.Object({ from: Type.Integer(), stepMs: Type.Integer({ minimum: 1 }), values: Type.Array(Nullable(Type.Number())) }),
  /** Model quantile prices per test sample, [horizon][quantile]; the actual closes are in `closes`. */
  predictions: Type.Array(Type.Object({ fold: Type.Integer({ minimum: 1 }), time: Type.Integer(), quantiles: Type.Array(Type.Array(Type.Number())) })),
});

/** Parsed backtest.json. */
export type Backtest = Static<typeof BacktestSchema>;
/** One rolling origin of a backtest. */
export type BacktestFold = Static<typeof BacktestFoldSchema>;
/** Metrics of one forecaster at one step. */
export type StepMetrics = Static<typeof StepMetricsSchema>;
/** One forecaster's backtest. */
export type ForecasterBacktest = Static<typeof ForecasterBacktestSchema>;
/** A Diebold–Mariano comparison. */
export type DieboldMarianoTest = Static<typeof DieboldMarianoTestSchema>;
/** Per-step and overall comparisons. */
export type Comparison = Static<typeof ComparisonSchema>;
/** The model or one of the baselines. */
export type ForecasterName = (typeof FORECASTER_NAMES)[number];

/** backtest.json of a layout this build does not read, or not a backtest at all. */
export class UnsupportedBacktestError extends Error {
  override readonly name = 'UnsupportedBacktestError';
}

/** Validate a parsed backtest.json; the version is checked first so an older or newer layout says so plainly. */
export function parseBacktest(value: unknown, where: string): Backtest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnsupportedBacktestError(`backtest.json at ${where} is not a JSON object`);
  const { schemaVersion } = value as Record<string, unknown>;
  if (schemaVersion !== BACKTEST_SCHEMA_VERSION) {
    throw new UnsupportedBacktestError(
      `backtest.json at ${where} has schemaVersion ${JSON.stringify(schemaVersion)}; this build reads schemaVersion ${BACKTEST_SCHEMA_VERSION} only (retrain to get a current backtest)`,
    );
  }
  const problem = firstProblem(BacktestSchema, value, 'backtest');
  if (problem) throw new UnsupportedBacktestError(`backtest.json at ${where} is invalid: ${problem.field} ${problem.message}`);
  return value as Backtest;
}

/** Read and validate an artifact's backtest.json. */
export async function readBacktest(store: ArtifactStore): Promise<Backtest> {
  const bytes = await store.get(ARTIFACT_FILES.backtest);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UnsupportedBacktestError(`backtest.json at ${store.baseUri} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseBacktest(value, store.baseUri);
}
