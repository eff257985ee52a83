import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { orderCsvCandles, type DuplicateCandlePolicy } from './csv-row-order.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const at = (hour: number, close = 100): Candle => ({ time: T0 + hour * HOUR, open: 100, high: 110, low: 90, close, volume: 1 });
/** Candles at the given hours, on lines 2, 3, … as below a header. */
const rows = (...candles: Candle[]) => ({ candles, lines: candles.map((_, i) => i + 2) });

function refusal(input: { candles: Candle[]; lines: number[] }, duplicates: DuplicateCandlePolicy = 'refuse'): string {
  try {
    orderCsvCandles(input.candles, input.lines, 'x.csv', duplicates);
  } catch (error) {
    if (error instanceof BadInputError) return error.message;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('orderCsvCandles', () => {
  it('keeps an oldest-first file as it is and turns a newest-first file around, lines included', () => {
    const input = rows(at(0), at(1), at(3));
    expect(orderCsvCandles(input.candles, input.lines, 'x.csv', 'refuse')).toEqual(input);
    const newestFirst = rows(at(3), at(1), at(0));
    expect(orderCsvCandles(newestFirst.candles, newestFirst.lines, 'x.csv', 'refuse')).toEqual({ candles: [at(0), at(1), at(3)], lines: [4, 3, 2] });
  });

  it('refuses repeated times, counting them and naming the first and the line it repeats', () => {
    const input = rows(at(0), at(1), at(2), at(1, 300), at(2));
    expect(refusal(input)).toBe(
      'x.csv: 2 rows repeat the time of an earlier row (1 of them with different values); the first is line 5, which repeats line 3 ' +
        '(2024-01-01T01:00:00.000Z). Remove the repeated rows, or pass --duplicates keep-first to keep the first row of each time',
    );
    expect(refusal(rows(at(0), at(0)))).toContain('x.csv: 1 row repeats the time of an earlier row (all with the same values); the first is line 3, which repeats line 2');
  });

  it('keeps the first row of each time when asked, and judges the order without the repeats', () => {
    const input = rows(at(0), at(1), at(2), at(1, 300), at(2));
    expect(orderCsvCandles(input.candles, input.lines, 'x.csv', 'keep-first')).toEqual({ candles: [at(0), at(1), at(2)], lines: [2, 3, 4] });
  });

  it('refuses rows that turn back in time, naming the first place and counting them', () => {
    expect(refusal(rows(at(0), at(5), at(1), at(2), at(6), at(3), at(7)))).toBe(
      'x.csv: rows out of order: line 4 (2024-01-01T01:00:00.000Z) is earlier than line 3 (2024-01-01T05:00:00.000Z) before it, ' +
        'in a file that runs oldest first; the time turns back at 2 places. Sort the rows by time',
    );
    expect(refusal(rows(at(7), at(6), at(8), at(1)))).toContain('line 4 (2024-01-01T08:00:00.000Z) is later than line 3 (2024-01-01T06:00:00.000Z) before it, in a file that runs newest first');
  });

  it('accepts no rows and a single row', () => {
    expect(orderCsvCandles([], [], 'x.csv', 'refuse')).toEqual({ candles: [], lines: [] });
    expect(orderCsvCandles([at(0)], [9], 'x.csv', 'refuse')).toEqual({ candles: [at(0)], lines: [9] });
  });
});
