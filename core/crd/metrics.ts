import Type, { type Static } from 'typebox';

/** Headline metrics a promotion policy may compare, as the trainer's run summary reports them. */
export const PROMOTION_METRICS = ['mase', 'maseStep1', 'skillVsNaive', 'coverage', 'winkler', 'directionalAccuracy'] as const;

/** One of the metrics a promotion policy compares on. */
export type PromotionMetric = (typeof PROMOTION_METRICS)[number];

/** Headline backtest metrics of a trained model (RunSummary.metrics in core/manifest.ts). */
export const RunMetricsSchema = Type.Object({
  mase: Type.Number({ description: 'mean absolute scaled error over the horizon (lower is better)' }),
  maseStep1: Type.Number({ description: 'MASE at the first horizon step (lower is better)' }),
  naiveMase: Type.Number({ description: 'MASE of naive persistence on the same test split' }),
  skillVsNaive: Type.Number({ description: '1 - MAE(model)/MAE(naive); above 0 beats naive' }),
  coverage: Type.Union([Type.Number(), Type.Null()], { description: 'share of outcomes inside the outer interval' }),
  winkler: Type.Union([Type.Number(), Type.Null()], { description: 'interval score of the outer interval (lower is better)' }),
  directionalAccuracy: Type.Union([Type.Number(), Type.Null()], {
    description: 'share of called moves (non-zero predicted change) in the right direction (higher is better); null when the model never calls a move',
  }),
  medianTest: Type.Optional(ComparisonSchema('Diebold–Mariano test of the median (absolute error) against naive persistence over rolling origins')),
  intervalTest: Type.Optional(
    Type.Union([ComparisonSchema('Diebold–Mariano test of the outer interval (Winkler score) against the best baseline interval'), Type.Null()]),
  ),
  currentTest: Type.Optional(
    ComparisonSchema("Diebold–Mariano test of the median against the model served when the run started (`against` is its version), on the test forecasts neither model trained on"),
  ),
});

/** A Diebold–Mariano comparison as the trainer reports it. */
function ComparisonSchema(description: string) {
  return Type.Object(
    {
      against: Type.String({ description: 'the forecaster compared with' }),
      pValue: Type.Number({ minimum: 0, maximum: 1, description: 'two-sided p-value' }),
      meanLossDifference: Type.Number({ description: 'mean loss(model) − loss(other), scaled per step; negative favours the model' }),
    },
    { description },
  );
}

/** A Diebold–Mariano comparison carried in run metrics. */
export type RunComparison = Static<ReturnType<typeof ComparisonSchema>>;

/** Headline backtest metrics of a trained model. */
export type RunMetrics = Static<typeof RunMetricsSchema>;
