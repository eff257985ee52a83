import { describe, expect, it } from 'vitest';
import { CandleRequestError, type CandleRequestProblem } from './candle-request-error.ts';
import { parseForecastRequest, type CandleRules } from './candle-request.ts';
import { MAX_REQUEST_CANDLES } from './candle-schema.ts';

const HOUR = 3_600_000;
const start = Date.UTC(2025, 0, 1);
const rules: CandleRules = { window: 3, stepMs: HOUR, timeframe: '1h', now: start + 10 * HOUR };
const candle = (i: number, close = 100 + i) => ({ time: start + i * HOUR, open: 100, high: 200, low: 50, close, volume: 1 });
const ok4 = () => [0, 1, 2, 3].map((i) => candle(i));

function refusal(body: unknown, at: CandleRules = rules): { field: string; message: string; problem: CandleRequestProblem } {
  try {
    parseForecastRequest(body, at);
  } catch (error) {
    if (error instanceof CandleRequestError) return { field: error.field, message: error.message, problem: error.problem };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseForecastRequest', () => {
  it('returns the last window + 1 candles, from objects or ccxt-style rows', () => {
    const objects = [0, 1, 2, 3, 4, 5].map((i) => candle(i));
    expect(parseForecastRequest({ candles: objects }, rules)).toEqual(objects.slice(2));
    const rows = objects.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]);
    expect(parseForecastRequest({ candles: rows }, rules)).toEqual(objects.slice(2));
  });

  it('accepts an older gap as long as the candles the window uses are consecutive', () => {
    const candles = [candle(0), candle(2), candle(3), candle(4), candle(5)];
    expect(parseForecastRequest({ candles }, rules)).toHaveLength(4);
  });

  it('names the field and the problem', () => {
    const ok = [0, 1, 2, 3].map((i) => candle(i));
    expect(refusal({ candles: ok.slice(1) })).toMatchObject({ problem: 'invalid', field: 'candles', message: expect.stringMatching(/at least 4 candles/) });
    expect(refusal({ candles: [...ok.slice(0, 3), { ...candle(3), close: 0 }] })).toMatchObject({ field: 'candles[3].close', message: 'candles[3].close: must be > 0' });
    expect(refusal({ candles: [...ok.slice(0, 3), [start + 3 * HOUR, 1, 2, 1, -5, 1]] })).toMatchObject({ field: 'candles[3][4]', message: 'candles[3][4]: close must be > 0' });
    expect(refusal({ candles: [...ok.slice(0, 3), { ...candle(3), time: start + 3 * HOUR + 1 }] }).message).toMatch(/^candles\[3\]\.time: .* not on the 1h grid/);
    expect(refusal({ candles: [candle(0), candle(2), candle(1), candle(3), candle(4), candle(5)] })).toMatchObject({
      field: 'candles[2].time',
      message: 'candles[2].time: must be later than candles[1].time: times must increase',
    });
    expect(refusal({ candles: [ok[0], ok[1], ok[2], candle(5)] }).message).toMatch(/2 1h candle\(s\) missing/);
    expect(refusal({ candles: [...ok.slice(0, 3), { ...candle(3), high: 10, low: 20 }] }).field).toBe('candles[3].high');
    expect(refusal({ candles: [...ok.slice(0, 3), { ...candle(3), open: 250 }] })).toMatchObject({ problem: 'invalid', field: 'candles[3].open', message: 'candles[3].open: 250 is above the high of 200' });
    expect(refusal({ candles: [...ok.slice(0, 3), [start + 3 * HOUR, 100, 200, 50, 49, 1]] })).toMatchObject({ field: 'candles[3].close', message: 'candles[3].close: 49 is below the low of 50' });
    expect(refusal({ candles: [...ok.slice(0, 3), { ...candle(3), high: 2e15 }] })).toMatchObject({ field: 'candles[3].high', message: 'candles[3].high: must be <= 1000000000000000' });
    expect(refusal({ candles: [...ok.slice(0, 3), [start + 3 * HOUR, 1, 2, 1e-16, 1, 1]] })).toMatchObject({ field: 'candles[3][3]', message: 'candles[3][3]: low must be >= 1e-15' });
    expect(refusal({ candles: ok }, { ...rules, now: start + 3 * HOUR + 1 }).message).toMatch(/has not closed yet/);
    expect(refusal({ candles: ok, extra: 1 })).toMatchObject({ field: 'extra', message: 'extra: is not a known field' });
    expect(refusal({})).toMatchObject({ field: 'candles', message: 'candles: is required' });
    expect(refusal(null).field).toBe('body');
    expect(refusal({ candles: [...ok.slice(0, 3), { ...candle(3), volume: undefined }] }).field).toBe('candles[3].volume');
    expect(refusal({ candles: [...ok.slice(0, 3), { ...candle(3), extra: 1 }] })).toMatchObject({ field: 'candles[3].extra', message: 'candles[3].extra: is not a known field' });
    expect(refusal({ candles: [] })).toMatchObject({ field: 'candles', message: 'candles: must not have fewer than 1 items' });
    expect(refusal([])).toMatchObject({ field: 'body', message: 'body: must be object' });
  });

  it('refuses times outside the range of dates, which no forecast instant could be written in', () => {
    const at = (first: number) => [0, 1, 2, 3].map((i) => ({ ...candle(i), time: first + i * HOUR }));
    expect(refusal({ candles: at(-8.64e15 - 5 * HOUR) })).toMatchObject({ problem: 'invalid', field: 'candles[0].time', message: 'candles[0].time: must be >= -8640000000000000' });
    expect(refusal({ candles: [...ok4(), { ...candle(4), time: 8.64e15 + HOUR }] })).toMatchObject({ field: 'candles[4].time', message: 'candles[4].time: must be <= 8640000000000000' });
    expect(parseForecastRequest({ candles: at(-8.64e15) }, rules)).toHaveLength(4);
  });

  it('refuses more than MAX_REQUEST_CANDLES candles with a 413 naming the limit, without listing every candle', () => {
    const many = Array.from({ length: MAX_REQUEST_CANDLES + 1 }, (_, i) => [start - (MAX_REQUEST_CANDLES - i) * HOUR, 1, 1, 1, 1, 0]);
    expect(refusal({ candles: many })).toEqual({
      problem: 'too-many',
      field: 'candles',
      message: 'candles: more than 10000 candles; send at most 10000 (only the last window + 1 are used)',
    });
  });
});
