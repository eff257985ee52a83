import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../core/errors.ts';
import { parseCandleCsv } from './parse-candle-csv.ts';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** A Binance kline row for hour `i` after T0 with the given prices. */
function klineRow(i: number, [open, high, low, close, volume]: (string | number)[]): string {
  return [T0 + i * HOUR, open, high, low, close, volume, T0 + (i + 1) * HOUR - 1, '1', '2', '3', '4', '0'].join(',');
}

function badInput(text: string): BadInputError {
  try {
    parseCandleCsv(text, 'data.csv');
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('parseCandleCsv', () => {
  it('reads a Binance kline dump without a header', () => {
    const text = `${klineRow(0, ['1.5', '2', '1', '1.75', '10'])}\n${klineRow(1, ['1.75', '1.8', '1.7', '1.72', '0'])}\n`;
    expect(parseCandleCsv(text, 'dump.csv')).toEqual({
      format: 'binance-klines',
      candles: [
        { time: T0, open: 1.5, high: 2, low: 1, close: 1.75, volume: 10 },
        { time: T0 + HOUR, open: 1.75, high: 1.8, low: 1.7, close: 1.72, volume: 0 },
      ],
      lines: [1, 2],
    });
  });

  it('reads a headered file in any column order and case, with CRLF, quotes, a BOM and blank lines', () => {
    const text = '\uFEFFVolume,"Close",TIME,low,High,open,extra\r\n\r\n10,101,2024-01-01T00:00:00Z,99,102,100,x\r\n 11 ,102,1704070800000,100,103,101,y\r\n\r\n';
    expect(parseCandleCsv(text, 'ohlcv.csv')).toEqual({
      format: 'headered',
      candles: [
        { time: T0, open: 100, high: 102, low: 99, close: 101, volume: 10 },
        { time: T0 + HOUR, open: 101, high: 103, low: 100, close: 102, volume: 11 },
      ],
      lines: [3, 4],
    });
  });

  it('prefers timestamp over the other time column names', () => {
    const text = 'date,timestamp,open,high,low,close,volume\nnot-used,2024-01-01T00:00:00Z,1,1,1,1,1\n';
    expect(parseCandleCsv(text, 'x.csv').candles[0]?.time).toBe(T0);
  });

  it('keeps rows in file order, duplicates included (sorting is the source\'s job)', () => {
    const text = `${klineRow(1, [1, 1, 1, 1, 1])}\n${klineRow(0, [2, 2, 2, 2, 2])}\n${klineRow(1, [3, 3, 3, 3, 3])}`;
    expect(parseCandleCsv(text, 'x.csv').candles.map((c) => [c.time, c.close])).toEqual([
      [T0 + HOUR, 1],
      [T0, 2],
      [T0 + HOUR, 3],
    ]);
  });

  it('returns no candles for a header-only file', () => {
    expect(parseCandleCsv('time,open,high,low,close,volume\n', 'x.csv')).toEqual({ format: 'headered', candles: [], lines: [] });
  });

  const header = 'timestamp,open,high,low,close,volume';
  it.each([
    // [case, text, expected message]
    ['a non-numeric close', `${header}\n1704067200000,1,2,1,1.5,3\n1704070800000,1,2,1,abc,3`, 'data.csv line 3, field "close": "abc" is not a number'],
    ['an empty open', `${header}\n1704067200000,,2,1,1.5,3`, 'data.csv line 2, field "open": "" is not a number'],
    ['an infinite high', `${header}\n1704067200000,1,1e999,1,1.5,3`, 'data.csv line 2, field "high": "1e999" is not a finite number'],
    ['a negative low', `${header}\n1704067200000,1,2,-1,1.5,3`, 'data.csv line 2, field "low": -1 is not a positive price'],
    ['a zero close', `${header}\n1704067200000,1,2,1,0,3`, 'data.csv line 2, field "close": 0 is not a positive price'],
    ['a negative volume', `${header}\n1704067200000,1,2,1,1.5,-3`, 'data.csv line 2, field "volume": -3 is negative'],
    ['high below low', `${header}\n1704067200000,1,1,2,1.5,3`, 'data.csv line 2, field "high": 1 is below the low of 2'],
    ['an open above the high', `${header}\n1704067200000,1,2,1,1.5,3\n1704070800000,2.5,2,1,1.5,3`, 'data.csv line 3, field "open": 2.5 is above the high of 2'],
    ['an open below the low', `${header}\n1704067200000,0.5,2,1,1.5,3`, 'data.csv line 2, field "open": 0.5 is below the low of 1'],
    ['a close above the high', `${header}\n1704067200000,1.5,2,1,2.01,3`, 'data.csv line 2, field "close": 2.01 is above the high of 2'],
    ['a close below the low', `${klineRow(0, [1, 2, 1, 0.99, 3])}`, 'data.csv line 1, field "close": 0.99 is below the low of 1'],
    ['a price beyond the bound that keeps metrics finite', `${header}\n1704067200000,1e300,1e300,1e300,1e300,3`, 'data.csv line 2, field "open": 1e+300 is above the largest price accepted, 1e+15'],
    ['a price too small for its ratios to stay finite', `${header}\n1704067200000,1e-320,1e-320,1e-320,1e-320,3`, 'data.csv line 2, field "open": 1e-320 is below the smallest price accepted, 1e-15'],
    ['binary bytes in a cell, escaped and cut short', `${header}\n1704067200000,1,2,1,\u0000\u0001\u001b[31m${'x'.repeat(500)},3`, `data.csv line 2, field "close": "\\u0000\\u0001\\u001b[31m${'x'.repeat(33)}…" is not a number`],
    ['an unparsable time', `${header}\n\n\nyesterday,1,2,1,1.5,3`, 'data.csv line 4, field "timestamp": "yesterday" is not a time (epoch milliseconds or ISO 8601)'],
    ['an impossible date', `${header}\n2024-02-30T00:00:00Z,1,2,1,1.5,3`, 'data.csv line 2, field "timestamp": "2024-02-30T00:00:00Z" is not a time'],
    ['a short headered row', `${header}\n1704067200000,1,2,1,1.5`, 'data.csv line 2: expected 6 columns as in the header, found 5'],
    ['a short kline row', `${klineRow(0, [1, 2, 1, 1.5, 3])}\n1704070800000,1,2,1,1.5,3`, 'data.csv line 2: expected 12 columns (Binance kline dump), found 6'],
    ['a bad kline price', `${klineRow(0, [1, 2, 1, 1.5, 3])}\n${klineRow(1, [1, 2, 1, 'NaN', 3])}`, 'data.csv line 2, field "close": "NaN" is not a number'],
    ['a header without volume', 'time,open,high,low,close\n1704067200000,1,2,1,1.5', 'data.csv line 1: the header has no "volume" column; found "time, open, high, low, close"'],
    ['a header of garbage, escaped and cut short', `\u00ff\u00fe\ufffd\u0007${'y'.repeat(200)}`, 'data.csv line 1: the header has no time column (one of timestamp, open_time, time, date); found "\u00ff\u00fe\\ufffd\\u0007yyyy'],
    ['a header without time', 'when,open,high,low,close,volume\n', 'data.csv line 1: the header has no time column (one of timestamp, open_time, time, date)'],
    ['a repeated header column', 'time,open,high,low,close,close,volume\n', 'data.csv line 1: the header names column "close" twice'],
    ['an empty file', '\n \n', 'data.csv is empty'],
  ])('rejects %s', (_case, text, message) => {
    expect(badInput(text).message).toContain(message);
  });
});
