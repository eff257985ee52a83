import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Candle } from '../../../core/candle.ts';
import { candlesForWindow } from '../../../core/features.ts';
import { badRequest } from '../http/http-error.ts';
import { firstSchemaProblem } from '../http/schema-problem.ts';

const Price = Type.Number({ exclusiveMinimum: 0, description: 'price in the quote currency; finite and positive' });
const Volume = Type.Number({ minimum: 0, description: 'traded volume in the base currency; finite, zero or more' });
const OpenTime = Type.Integer({ description: 'candle open time, ms since the Unix epoch (UTC), on the timeframe grid' });

/** A candle as an object. */
export const CandleObjectSchema = Type.Object(
  { time: OpenTime, open: Price, high: Price, low: Price, close: Price, volume: Volume },
  { additionalProperties: false, description: 'one OHLCV candle' },
);

/** A candle as ccxt's OHLCV row `[time, open, high, low, close, volume]`; about half as costly to parse as an object. */
export const CandleTupleSchema = Type.Tuple([OpenTime, Price, Price, Price, Price, Volume], {
  description: 'one OHLCV candle as [time, open, high, low, close, volume] (ccxt order)',
});

/** Most candles one request may carry (the body size limit usually bites first). */
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

const checkRequest = Compile(ForecastRequestSchema);
const checkCandleObject = Compile(CandleObjectSchema);
const checkCandleTuple = Compile(CandleTupleSchema);
const TUPLE_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** What the candles must fit: the model's window and timeframe, and the present. */
export interface CandleRules {
  readonly window: number;
  readonly stepMs: number;
  readonly timeframe: string;
  readonly now: number;
}

/**
 * Validate a parsed POST /v1/forecast body and return the candles the forecast needs (the last
 * window + 1). Every refusal is a 400 naming the field: schema violations, too few candles, times that
 * are not increasing, off the timeframe grid, not yet closed, or a gap in the candles the window uses.
 */
export function parseForecastRequest(body: unknown, rules: CandleRules): Candle[] {
  if (!checkRequest.Check(body)) throw schemaError(body);
  const raw = body.candles;
  const needed = candlesForWindow(rules.window);
  if (raw.length < needed) {
    throw badRequest('candles', `needs at least ${needed} candles for the model window of ${rules.window} (one extra for the first return), got ${raw.length}`);
  }
  const candles = raw.map(toCandle);
  const firstUsed = candles.length - needed;
  for (let i = 0; i < candles.length; i++) {
    const candle = candles[i]!;
    const at = `candles[${i}]`;
    if (candle.time % rules.stepMs !== 0) {
      throw badRequest(`${at}.time`, `${candle.time} is not on the ${rules.timeframe} grid (open times are multiples of ${rules.stepMs} ms since the epoch)`);
    }
    if (candle.high < candle.low) throw badRequest(`${at}.high`, `must not be below low (${candle.high} < ${candle.low})`);
    if (i === 0) continue;
    const delta = candle.time - candles[i - 1]!.time;
    if (delta <= 0) throw badRequest(`${at}.time`, `must be later than candles[${i - 1}].time: times must increase`);
    if (i > firstUsed && delta !== rules.stepMs) {
      throw badRequest(`${at}.time`, `${delta / rules.stepMs - 1} ${rules.timeframe} candle(s) missing before this one; the last ${needed} candles must be consecutive`);
    }
  }
  const last = candles[candles.length - 1]!;
  if (last.time + rules.stepMs > rules.now) {
    throw badRequest(`candles[${candles.length - 1}].time`, `this ${rules.timeframe} candle has not closed yet; send closed candles only`);
  }
  return candles.slice(firstUsed);
}

function toCandle(candle: ForecastRequest['candles'][number]): Candle {
  if (!Array.isArray(candle)) return candle as Candle;
  const [time, open, high, low, close, volume] = candle;
  return { time, open, high, low, close, volume };
}

/** A 400 for the first schema violation, looking inside the candle form the caller actually used. */
function schemaError(body: unknown): Error {
  const candles = (body as { candles?: unknown } | null)?.candles;
  if (Array.isArray(candles) && candles.length <= MAX_REQUEST_CANDLES) {
    for (let i = 0; i < candles.length; i++) {
      const candle: unknown = candles[i];
      const problem = Array.isArray(candle)
        ? firstSchemaProblem(checkCandleTuple, candle, `candles[${i}]`)
        : typeof candle === 'object' && candle !== null
          ? firstSchemaProblem(checkCandleObject, candle, `candles[${i}]`)
          : { field: `candles[${i}]`, message: 'must be an object {time, open, high, low, close, volume} or an array [time, open, high, low, close, volume]' };
      if (problem !== undefined) throw badRequest(problem.field, describeTupleField(problem.field, problem.message));
    }
  }
  const problem = firstSchemaProblem(checkRequest, body) ?? { field: 'body', message: 'is not a valid forecast request' };
  return badRequest(problem.field, problem.message);
}

/** A problem at `candles[3][4]` reads better as "close must be > 0". */
function describeTupleField(field: string, message: string): string {
  const match = /^candles\[\d+\]\[(\d)\]$/.exec(field);
  const name = match ? TUPLE_FIELDS[Number(match[1])] : undefined;
  return name === undefined ? message : `${name} ${message}`;
}
