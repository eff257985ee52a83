import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { requireTimeframeSpacing } from './csv-spacing.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 0, 1);
/** Candles at the given minutes after T0, on lines 1, 2, …. */
const atMinutes = (...minutes: number[]): Candle[] => minutes.map((m) => ({ time: T0 + m * MINUTE, open: 1, high: 1, low: 1, close: 1, volume: 0 }));
const linesOf = (candles: readonly Candle[]) => candles.map((_, i) => i + 1);

function refusal(candles: Candle[], timeframe: string): BadInputError {
  try {
    requireTimeframeSpacing(candles, linesOf(candles), timeframe, 'x.csv');
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('requireTimeframeSpacing', () => {
  it('accepts candles on the grid, gaps included', () => {
    const hourly = atMinutes(0, 60, 120, 300, 360);
    expect(() => requireTimeframeSpacing(hourly, linesOf(hourly), '1h', 'x.csv')).not.toThrow();
  });

  it('refuses an hourly file read as 1m, naming the file\'s own spacing and the timeframe to use', () => {
    const error = refusal(atMinutes(0, 60, 120, 180, 300), '1m');
    expect(error.field).toBe('market.timeframe');
    expect(error.message).toBe(
      "x.csv: no two consecutive candles are 1m apart, so these are not 1m candles. Most of the file's candles are 60 minutes apart " +
        '(3 of 4 steps, e.g. lines 1 and 2): read it with --timeframe 1h (market.timeframe 1h)',
    );
  });

  it('refuses a 1-minute file read as 1h, naming the lines of the first step off the grid', () => {
    expect(refusal(atMinutes(0, 1, 2, 3), '1h').message).toBe(
      'x.csv lines 1 and 2: candles at 2024-01-01T00:00:00.000Z and 2024-01-01T00:01:00.000Z are 1 minute apart, not a whole number of 1h candles. ' +
        "Most of the file's candles are 1 minute apart (3 of 3 steps, e.g. lines 1 and 2): read it with --timeframe 1m (market.timeframe 1m)",
    );
  });

  it('points at a stray row when the rest of the file fits the timeframe', () => {
    expect(refusal(atMinutes(0, 60, 120, 150, 180, 240), '1h').message).toBe(
      'x.csv lines 3 and 4: candles at 2024-01-01T02:00:00.000Z and 2024-01-01T02:30:00.000Z are 30 minutes apart, not a whole number of 1h candles. ' +
        'The rest of the file is on that grid (3 of 5 steps, e.g. lines 1 and 2): is a row out of place?',
    );
  });

  it('says when the file\'s spacing is no supported timeframe', () => {
    expect(refusal(atMinutes(0, 7, 14, 21), '1h').message).toContain("Most of the file's candles are 7 minutes apart (3 of 3 steps, e.g. lines 1 and 2), which is no supported timeframe");
  });
});
