import Type from 'typebox';

const Price = Type.Number({ description: 'price in the quote currency' });

const FULL_ONLY = 'only with ?detail=full';

/** One horizon step of a forecast response. */
export const ForecastPointSchema = Type.Object({
  step: Type.Optional(Type.Integer({ minimum: 1, description: `1 for the next candle, up to the horizon (${FULL_ONLY})` })),
  time: Type.Integer({ description: 'close time of the forecast candle, ms since the epoch' }),
  timestamp: Type.Optional(Type.String({ format: 'date-time', description: `the same instant, ISO 8601 UTC (${FULL_ONLY})` })),
  median: Price,
  lower: Type.Number({ description: 'price at the lowest quantile (interval lower bound)' }),
  upper: Type.Number({ description: 'price at the highest quantile (interval upper bound)' }),
  quantiles: Type.Optional(Type.Record(Type.String(), Type.Number(), { description: `price per quantile level, keyed "0.1", "0.5", … (${FULL_ONLY})` })),
});

/** Response of GET and POST /v1/forecast; `?detail=full` adds the fields marked so. */
export const ForecastResponseSchema = Type.Object({
  stale: Type.Boolean({ description: 'true when the exchange is unreachable or a newer candle has closed and is missing (always false for POST)' }),
  ageSeconds: Type.Number({ description: 'seconds since the close of the last candle the forecast is based on' }),
  modelVersion: Type.String(),
  exchange: Type.String(),
  symbol: Type.String(),
  timeframe: Type.String(),
  lastClose: Price,
  lastCloseTime: Type.Integer({ description: 'close time of the last candle, ms since the epoch' }),
  lastCloseTimestamp: Type.Optional(Type.String({ format: 'date-time', description: `the same instant, ISO 8601 UTC (${FULL_ONLY})` })),
  quantileLevels: Type.Array(Type.Number()),
  interval: Type.Object({ lower: Type.Number(), upper: Type.Number() }, { description: 'quantile levels of the interval bounds' }),
  points: Type.Array(ForecastPointSchema),
});

/** Response of GET /v1/candles. */
export const CandlesResponseSchema = Type.Object({
  exchange: Type.String(),
  symbol: Type.String(),
  timeframe: Type.String(),
  stale: Type.Boolean(),
  ageSeconds: Type.Number(),
  candles: Type.Array(
    Type.Object({ time: Type.Integer({ description: 'open time, ms since the epoch' }), open: Price, high: Price, low: Price, close: Price, volume: Type.Number() }),
  ),
});

/** Every error response. */
export const ErrorResponseSchema = Type.Object({
  error: Type.String({ description: 'what went wrong; for a bad field it reads "<field>: <problem>"' }),
  code: Type.String({
    description: 'bad_request, unauthorized, rate_limited, payload_too_large, not_found, unavailable, model_refused (the artifact cannot be served; retrying will not help), internal',
  }),
  field: Type.Optional(Type.String({ description: 'the request field at fault, e.g. candles[3].close' })),
  requestId: Type.Optional(Type.String()),
});
