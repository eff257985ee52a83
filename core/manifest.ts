import Type, { type Static } from 'typebox';
import { MarketSpecSchema, ModelSpecSchema } from './spec.ts';

/** Artifact layout version this code writes and reads; servers refuse other versions. */
export const MANIFEST_SCHEMA_VERSION = 1;

/** File names inside an artifact folder; manifest.json is written last and marks the run complete. */
export const ARTIFACT_FILES = { model: 'model.onnx', backtest: 'backtest.json', manifest: 'manifest.json' } as const;

/** ONNX graph input and output names (docs/architecture.md "Artifact"). */
export const ONNX_INPUT_NAME = 'features';
/** Output: float32 [batch, horizon, quantiles] cumulative log-returns of close from the last close. */
export const ONNX_OUTPUT_NAME = 'quantiles';

const TimeRange = Type.Object({ from: Type.String(), to: Type.String(), samples: Type.Integer({ minimum: 0 }) });

/** Headline metrics of one forecaster on the test split (lower is better except where noted). */
export const HeadlineMetricsSchema = Type.Object({
  mae: Type.Number({ description: 'mean absolute error of the median price, averaged over the horizon' }),
  mase: Type.Number({ description: 'MAE divided by naive persistence MAE, averaged over the horizon' }),
  maseStep1: Type.Number({ description: 'MASE at the first horizon step' }),
  directionalAccuracy: Type.Union([Type.Number(), Type.Null()], {
    description: 'share of called moves (non-zero predicted change) in the right direction (higher is better); null when the forecaster never calls a move',
  }),
  directionalShare: Type.Optional(Type.Number({ description: 'share of forecasts that call a move, averaged over the horizon' })),
  coverage: Type.Union([Type.Number(), Type.Null()], { description: 'share of outcomes inside the outer interval' }),
  winkler: Type.Union([Type.Number(), Type.Null()], { description: 'interval score of the outer interval' }),
});

/** A Diebold–Mariano test of the model against another forecaster over the whole horizon. */
export const ComparisonSummarySchema = Type.Object({
  against: Type.String({ description: 'the forecaster compared with' }),
  pValue: Type.Number({ description: 'two-sided p-value (Student t, n − 1 df, HLN-corrected)' }),
  statistic: Type.Union([Type.Number(), Type.Null()], { description: 'DM statistic; null when the losses differ by a constant' }),
  meanLossDifference: Type.Number({ description: 'mean scaled loss(model) − loss(other); negative favours the model' }),
  verdict: Type.String(),
});

/** Metrics summary carried by the manifest and the run summary. */
export const MetricsSummarySchema = Type.Object({
  model: HeadlineMetricsSchema,
  baselines: Type.Record(Type.String(), HeadlineMetricsSchema),
  skillVsNaive: Type.Number({ description: '1 - MAE(model)/MAE(naive), averaged over the horizon; > 0 beats naive' }),
  intervalLevel: Type.Union([Type.Number(), Type.Null()], { description: 'nominal coverage of the outer interval' }),
  verdict: Type.String({ description: 'one line: does the model beat naive persistence, by the Diebold–Mariano tests' }),
  folds: Type.Optional(Type.Integer({ minimum: 1, description: 'rolling origins the metrics pool' })),
  tests: Type.Optional(
    Type.Object({
      median: ComparisonSummarySchema,
      interval: Type.Union([ComparisonSummarySchema, Type.Null()], { description: 'the outer interval against the best baseline interval' }),
      current: Type.Optional(ComparisonSummarySchema),
    }),
  ),
});

/** manifest.json: everything a server needs to serve model.onnx, and the run's provenance. */
export const ArtifactManifestSchema = Type.Object({
  schemaVersion: Type.Literal(MANIFEST_SCHEMA_VERSION),
  featureSpecVersion: Type.Integer(),
  version: Type.String({ description: 'model version: the training run name or a timestamp' }),
  createdAt: Type.String(),
  market: MarketSpecSchema,
  model: ModelSpecSchema,
  window: Type.Integer({ minimum: 1 }),
  horizon: Type.Integer({ minimum: 1 }),
  quantiles: Type.Array(Type.Number()),
  features: Type.Array(Type.String()),
  normalisation: Type.Object({
    inGraph: Type.Boolean({ description: 'true: model.onnx takes raw features and returns unscaled log-returns' }),
    featureMean: Type.Array(Type.Number()),
    featureStd: Type.Array(Type.Number()),
    targetScale: Type.Array(Type.Number()),
  }),
  calibration: Type.Optional(
    Type.Object(
      {
        medianScale: Type.Array(Type.Number()),
        spreadScale: Type.Array(Type.Number()),
        intervalFallback: Type.Optional(
          Type.Object(
            {
              modelWeight: Type.Array(Type.Number({ minimum: 0, maximum: 1 }), { description: "per step: share of the network's interval kept; the rest is naive persistence's empirical interval" }),
              naiveOffset: Type.Array(Type.Number(), { description: "naive persistence's empirical quantiles of cumulative log return on the training split, [horizon · Q]" }),
            },
            { description: 'per-step blend of the interval with naive persistence\'s where the network scored worse on validation (core/interval-fallback.ts)' },
          ),
        ),
      },
      { description: 'per-step median shrinkage and interval scaling fitted on validation; already folded into model.onnx' },
    ),
  ),
  io: Type.Object({
    input: Type.String(),
    output: Type.String(),
    inputShape: Type.Array(Type.Union([Type.Integer(), Type.String()])),
    outputShape: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  }),
  data: Type.Object({
    from: Type.String(),
    to: Type.String(),
    candles: Type.Integer(),
    gaps: Type.Integer(),
    train: TimeRange,
    validation: TimeRange,
    test: TimeRange,
  }),
  metrics: MetricsSummarySchema,
  training: Type.Object({
    backend: Type.String(),
    epochs: Type.Integer(),
    bestEpoch: Type.Integer(),
    seconds: Type.Number(),
    samplesPerSecond: Type.Number(),
    finalLoss: Type.Number(),
    bestValLoss: Type.Number(),
  }),
  trainer: Type.Object({ version: Type.String() }),
  modelSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  modelBytes: Type.Integer(),
});

/** Parsed manifest.json. */
export type ArtifactManifest = Static<typeof ArtifactManifestSchema>;
/** Headline metrics of one forecaster. */
export type HeadlineMetrics = Static<typeof HeadlineMetricsSchema>;
/** Metrics summary of a run. */
export type MetricsSummary = Static<typeof MetricsSummarySchema>;
/** One Diebold–Mariano comparison in the manifest. */
export type ComparisonSummary = Static<typeof ComparisonSummarySchema>;

/** A Diebold–Mariano result as the run summary carries it to the operator. */
export interface RunComparison {
  readonly against: string;
  readonly pValue: number;
  readonly meanLossDifference: number;
}

/** One-line run summary for stdout and the termination-message file (must stay under 4 KiB). */
export interface RunSummary {
  readonly ok: boolean;
  readonly artifactUri?: string;
  readonly sha256?: string;
  readonly version?: string;
  readonly metrics?: {
    readonly mase: number;
    readonly maseStep1: number;
    readonly naiveMase: number;
    readonly skillVsNaive: number;
    readonly coverage: number | null;
    readonly winkler: number | null;
    readonly directionalAccuracy: number | null;
    readonly medianTest?: RunComparison;
    readonly intervalTest?: RunComparison | null;
    readonly currentTest?: RunComparison;
  };
  readonly backend?: string;
  readonly error?: string;
  readonly reason?: string;
}
