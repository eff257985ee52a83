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
  directionalAccuracy: Type.Number({ description: 'share of correct up/down calls (higher is better)' }),
});

/** Headline backtest metrics of a trained model. */
export type RunMetrics = Static<typeof RunMetricsSchema>;
