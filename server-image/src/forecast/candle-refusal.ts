import { Compile } from 'typebox/compile';
import { firstSchemaProblem, firstUnknownProperty, type SchemaProblem } from '../validation/schema-problem.ts';
import { CandleRequestError } from './candle-request-error.ts';
import { CandleObjectSchema, CandleTupleSchema, MAX_REQUEST_CANDLES, tooManyCandles } from './candle-schema.ts';

const checkCandleObject = Compile(CandleObjectSchema);
const checkCandleTuple = Compile(CandleTupleSchema);
const CANDLE_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const NOT_A_CANDLE = 'must be an object {time, open, high, low, close, volume} or an array [time, open, high, low, close, volume]';

/**
 * Why a POST /v1/forecast body failed its schema: too many candles, otherwise the first violation, looking inside the candle form the caller actually used.
 *
 * TypeBox lists errors with an interpreter that walks the whole value it is given (≈ 10 µs a candle, and
 * as much per unknown key), however early the first error is; so it is only ever given the one candle
 * found wrong by the compiled check, after unknown keys were looked for directly, and the request's
 * own few rules are checked by hand.
 */
export function forecastRequestRefusal(body: unknown): CandleRequestError {
  const envelope = envelopeProblem(body);
  if (envelope !== undefined) return new CandleRequestError(envelope.field, envelope.message);
  const candles = (body as { candles: unknown[] }).candles;
  if (candles.length > MAX_REQUEST_CANDLES) return tooManyCandles();
  for (let i = 0; i < candles.length; i++) {
    const problem = candleProblem(candles[i], `candles[${i}]`);
    if (problem !== undefined) return new CandleRequestError(problem.field, describeTupleField(problem.field, problem.message));
  }
  return new CandleRequestError('body', 'is not a valid forecast request');
}

/** The request's own rules, worded as TypeBox words them: an object holding a non-empty `candles` array and nothing else. */
function envelopeProblem(body: unknown): SchemaProblem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { field: 'body', message: 'must be object' };
  if (!Object.hasOwn(body, 'candles')) return { field: 'candles', message: 'is required' };
  const unknown = firstUnknownProperty(body, ['candles']);
  if (unknown !== undefined) return unknown;
  const candles = (body as { candles: unknown }).candles;
  if (!Array.isArray(candles)) return { field: 'candles', message: 'must be array' };
  if (candles.length === 0) return { field: 'candles', message: 'must not have fewer than 1 items' };
  return undefined;
}

function candleProblem(candle: unknown, at: string): SchemaProblem | undefined {
  if (Array.isArray(candle)) return checkCandleTuple.Check(candle) ? undefined : firstSchemaProblem(checkCandleTuple, candle, at);
  if (typeof candle !== 'object' || candle === null) return { field: at, message: NOT_A_CANDLE };
  if (checkCandleObject.Check(candle)) return undefined;
  return firstUnknownProperty(candle, CANDLE_FIELDS, at) ?? firstSchemaProblem(checkCandleObject, candle, at);
}

/** A problem at `candles[3][4]` reads better as "close must be > 0". */
function describeTupleField(field: string, message: string): string {
  const match = /^candles\[\d+\]\[(\d)\]$/.exec(field);
  const name = match ? CANDLE_FIELDS[Number(match[1])] : undefined;
  return name === undefined ? message : `${name} ${message}`;
}
