import { Compile } from 'typebox/compile';
import { findCandleProblem, type Candle } from '../../../core/candle.ts';
import { candlesForWindow } from '../../../core/features.ts';
import { forecastRequestRefusal } from './candle-refusal.ts';
import { CandleRequestError } from './candle-request-error.ts';
import { ForecastRequestSchema, type ForecastRequest } from './candle-schema.ts';

const checkRequest = Compile(ForecastRequestSchema);

/** What the candles must fit: the model's window and timeframe, and the present. */
export interface CandleRules {
  readonly window: number;
  readonly stepMs: number;
  readonly timeframe: string;
  readonly now: number;
}

/**
 * Validate a parsed POST /v1/forecast body and return the candles the forecast needs (the last
 * window + 1). Every refusal is a {@link CandleRequestError} naming the field: too many candles, schema
 * violations, a candle no market could produce (a high below the low, an open or close outside
 * [low, high]), too few candles, times that are not increasing, off the timeframe grid, not yet closed,
 * or a gap in the candles the window uses.
 */
export function parseForecastRequest(body: unknown, rules: CandleRules): Candle[] {
  if (!checkRequest.Check(body)) throw forecastRequestRefusal(body);
  const raw = body.candles;
  const needed = candlesForWindow(rules.window);
  if (raw.length < needed) {
    throw new CandleRequestError('candles', `needs at least ${needed} candles for the model window of ${rules.window} (one extra for the first return), got ${raw.length}`);
  }
  const candles = raw.map(toCandle);
  const firstUsed = candles.length - needed;
  for (let i = 0; i < candles.length; i++) {
    const candle = candles[i]!;
    const at = `candles[${i}]`;
    if (candle.time % rules.stepMs !== 0) {
      throw new CandleRequestError(`${at}.time`, `${candle.time} is not on the ${rules.timeframe} grid (open times are multiples of ${rules.stepMs} ms since the epoch)`);
    }
    const problem = findCandleProblem(candle);
    if (problem !== undefined) throw new CandleRequestError(`${at}.${problem.field}`, problem.message);
    if (i === 0) continue;
    const delta = candle.time - candles[i - 1]!.time;
    if (delta <= 0) throw new CandleRequestError(`${at}.time`, `must be later than candles[${i - 1}].time: times must increase`);
    if (i > firstUsed && delta !== rules.stepMs) {
      throw new CandleRequestError(`${at}.time`, `${delta / rules.stepMs - 1} ${rules.timeframe} candle(s) missing before this one; the last ${needed} candles must be consecutive`);
    }
  }
  const last = candles[candles.length - 1]!;
  if (last.time + rules.stepMs > rules.now) {
    throw new CandleRequestError(`candles[${candles.length - 1}].time`, `this ${rules.timeframe} candle has not closed yet; send closed candles only`);
  }
  return candles.slice(firstUsed);
}

function toCandle(candle: ForecastRequest['candles'][number]): Candle {
  if (!Array.isArray(candle)) return candle as Candle;
  const [time, open, high, low, close, volume] = candle;
  return { time, open, high, low, close, volume };
}
