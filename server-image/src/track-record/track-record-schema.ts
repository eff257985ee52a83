import Type, { type Static } from 'typebox';

const figure = (description: string) => Type.Union([Type.Number(), Type.Null()], { description: `${description}; null without samples` });

/** Scores of one horizon step, or of the whole horizon (`step` "all"). */
export const StepScoreSchema = Type.Object({
  step: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('all')], { description: '1-based horizon step, or "all": averages of the steps over the forecasts complete at every step' }),
  samples: Type.Integer({ minimum: 0, description: 'forecasts scored at this step (for "all": forecasts whose every step has an outcome)' }),
  mase: figure('MAE of the median divided by naive persistence\'s MAE on the same samples (below 1 beats it); also null when the price never moved'),
  mae: figure('mean absolute error of the median price, quote currency'),
  coverage: figure('share (0–1) of actual closes inside the outer interval, bounds included'),
  winkler: figure('interval score of the outer interval: width plus 2/α times the miss, α = 1 − intervalLevel'),
  directionalAccuracy: figure('share of the forecasts whose median called a move (flat forecasts excluded) that moved the way the price did; null when none called a move'),
});

/** One candle's step-1 forecast, made one candle before it closed. */
export const PastForecastPointSchema = Type.Object({
  time: Type.Integer({ description: 'close time of the candle forecast, ms since the epoch' }),
  median: Type.Number(),
  lower: Type.Union([Type.Number(), Type.Null()], { description: 'interval lower bound (null with a single quantile)' }),
  upper: Type.Union([Type.Number(), Type.Null()], { description: 'interval upper bound (null with a single quantile)' }),
  actual: Type.Number({ description: 'the close that happened' }),
});

/** Response of GET /v1/track-record. */
export const TrackRecordResponseSchema = Type.Object({
  modelVersion: Type.String(),
  exchange: Type.String(),
  symbol: Type.String(),
  timeframe: Type.String(),
  trainingCutoff: Type.String({ description: 'the manifest\'s data.to: open time of the last candle the training run read; only forecasts made from later candles are scored' }),
  maxDays: Type.Integer({ minimum: 1, description: 'TRACK_RECORD_DAYS: only forecasts made in this many days before the newest candle are scored' }),
  scored: Type.Object(
    {
      from: Type.Union([Type.Integer(), Type.Null()], { description: 'close time of the earliest scored forecast\'s origin candle (ms); null when nothing is scored' }),
      to: Type.Union([Type.Integer(), Type.Null()], { description: 'close time of the newest candle an outcome was read from (ms); null when nothing is scored' }),
    },
    { description: 'the window scored' },
  ),
  quantileLevels: Type.Array(Type.Number()),
  intervalLevel: Type.Union([Type.Number(), Type.Null()], { description: 'nominal coverage of the outer interval; null with a single quantile' }),
  steps: Type.Array(StepScoreSchema, { description: 'one entry per horizon step, 1 first' }),
  overall: StepScoreSchema,
  forecasts: Type.Array(PastForecastPointSchema, { description: 'every scored candle\'s step-1 forecast, oldest first, for drawing the past interval' }),
});

/** The body of GET /v1/track-record. */
export type TrackRecordResponse = Static<typeof TrackRecordResponseSchema>;
