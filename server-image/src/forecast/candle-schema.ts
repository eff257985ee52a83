import Type, { type Static } from 'typebox';
import { MAX_PRICE, MIN_PRICE } from '../../../core/candle.ts';
import { CandleRequestError } from './candle-request-error.ts';

// exclusiveMinimum is implied by minimum, and kept because a zero or negative price then reads "must be > 0".
const Price = Type.Number({
  exclusiveMinimum: 0,
  minimum: MIN_PRICE,
  maximum: MAX_PRICE,
  description: `price in the quote currency, from ${MIN_PRICE} to ${MAX_PRICE.toExponential()}: the range models are trained on, in which every feature is finite`,
});
const Volume = Type.Number({ minimum: 0, description: 'traded volume in the base currency; finite, zero or more' });
// The range of JavaScript dates: every instant a forecast derives from a candle can be written as ISO 8601,
// and all of them are safe integers, so grid and gap arithmetic stays exact.
const MAX_DATE_MS = 8.64e15;
const OpenTime = Type.Integer({
  minimum: -MAX_DATE_MS,
  maximum: MAX_DATE_MS,
  description: 'candle open time, ms since the Unix epoch (UTC), on the timeframe grid, within the range of dates (±8.64e15)',
});

/** A candle as an object. */
export const CandleObjectSchema = Type.Object(
  { time: OpenTime, open: Price, high: Price, low: Price, close: Price, volume: Volume },
  { additionalProperties: false, description: 'one OHLCV candle' },
);

/** A candle as ccxt's OHLCV row `[time, open, high, low, close, volume]`; about half as costly to parse as an object. */
export const CandleTupleSchema = Type.Tuple([OpenTime, Price, Price, Price, Price, Volume], {
  description: 'one OHLCV candle as [time, open, high, low, close, volume] (ccxt order)',
});

/** Most candles one request may carry; 10,000 ccxt rows fit well within the default body limit. */
export const MAX_REQUEST_CANDLES = 10_000;

/** Body of POST /v1/forecast. */
export const ForecastRequestSchema = Type.Object(
  {
    candles: Type.Array(Type.Union([CandleObjectSchema, CandleTupleSchema]), {
      minItems: 1,
      maxItems: MAX_REQUEST_CANDLES,
      description: 'closed candles, oldest first, on the model timeframe grid; the last window + 1 must be consecutive',
    }),
  },
  { additionalProperties: false },
);

/** Body of POST /v1/forecast as sent. */
export type ForecastRequest = Static<typeof ForecastRequestSchema>;

/** The refusal of a request with more than {@link MAX_REQUEST_CANDLES} candles. */
export function tooManyCandles(): CandleRequestError {
  return new CandleRequestError('candles', `more than ${MAX_REQUEST_CANDLES} candles; send at most ${MAX_REQUEST_CANDLES} (only the last window + 1 are used)`, 'too-many');
}
