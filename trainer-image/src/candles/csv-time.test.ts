import { describe, expect, it } from 'vitest';
import { epochToMs, parseCsvTime } from './csv-time.ts';

const NEW_YEAR_2024 = Date.UTC(2024, 0, 1);

describe('parseCsvTime', () => {
  it.each([
    ['1704067200000', NEW_YEAR_2024],
    ['1704067200000000', NEW_YEAR_2024], // Binance dumps since 2025: microseconds
    ['1704067200', NEW_YEAR_2024],
    ['1704067200000000000', NEW_YEAR_2024],
    ['2024-01-01', NEW_YEAR_2024],
    ['2024-01-01T00:00:00Z', NEW_YEAR_2024],
    ['2024-01-01 00:00', NEW_YEAR_2024],
    ['2024-01-01T05:30:00+05:30', NEW_YEAR_2024],
    ['2024-01-01T05:30:00+0530', NEW_YEAR_2024],
    ['2023-12-31T19:00:00-05', NEW_YEAR_2024],
    ['2024-01-01T00:00:00.250Z', NEW_YEAR_2024 + 250],
    ['2024-01-01T00:00:00.123456', NEW_YEAR_2024 + 123],
    ['2024-02-29T12:00:00z', Date.UTC(2024, 1, 29, 12)],
  ])('reads %s', (text, expected) => {
    expect(parseCsvTime(text)).toBe(expected);
  });

  it.each(['', 'yesterday', '2024-02-30', '2023-02-29', '2024-13-01', '2024-01-01T24:00:00Z', '2024-01-01T10:60', '01/02/2024', '1.5e12', '-1704067200000'])(
    'rejects %j',
    (text) => {
      expect(parseCsvTime(text)).toBeUndefined();
    },
  );
});

describe('epochToMs', () => {
  it('infers the unit from the magnitude', () => {
    expect(epochToMs(1_577_836_800)).toBe(1_577_836_800_000);
    expect(epochToMs(1_577_836_800_000)).toBe(1_577_836_800_000);
    expect(epochToMs(1_577_836_800_123_456)).toBe(1_577_836_800_123);
  });
});
