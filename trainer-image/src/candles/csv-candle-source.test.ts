import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../core/errors.ts';
import { createCsvCandleSource } from './csv-candle-source.ts';

const FIXTURES = new URL('../../../test/fixtures/candles/', import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);

async function loadError(source: { load(): Promise<unknown> }): Promise<BadInputError> {
  try {
    await source.load();
  } catch (error) {
    if (error instanceof BadInputError) return error;
    throw error;
  }
  throw new Error('expected a BadInputError');
}

describe('createCsvCandleSource', () => {
  it('loads a Binance kline dump and reports its gap', async () => {
    const source = createCsvCandleSource({ path: fixture('binance-1h-with-gap.csv'), timeframe: '1h' });
    const series = await source.load();
    expect(series.candles).toHaveLength(10);
    expect(series.candles[0]).toEqual({ time: T0, open: 100, high: 102, low: 99, close: 101, volume: 10 });
    expect(series.candles[4]).toEqual({ time: T0 + 6 * HOUR, open: 106, high: 108, low: 105, close: 107, volume: 16 });
    expect(series.gaps).toEqual([{ after: T0 + 3 * HOUR, before: T0 + 6 * HOUR, missing: 2 }]);
    expect(series.source).toBe(source.describe());
    expect(source.describe()).toContain('binance-1h-with-gap.csv (1h)');
  });

  it('keeps the last `lookback` candles and reports only the gaps among them', async () => {
    const series = await createCsvCandleSource({ path: fixture('binance-1h-with-gap.csv'), timeframe: '1h', lookback: 4 }).load();
    expect(series.candles.map((c) => (c.time - T0) / HOUR)).toEqual([8, 9, 10, 11]);
    expect(series.gaps).toEqual([]);
  });

  it('reads a kline dump with microsecond timestamps', async () => {
    const series = await createCsvCandleSource({ path: fixture('binance-1h-microseconds.csv'), timeframe: '1h' }).load();
    expect(series.candles).toEqual([
      { time: T0, open: 200, high: 202, low: 199, close: 201, volume: 5 },
      { time: T0 + HOUR, open: 201, high: 203, low: 200, close: 202, volume: 6 },
      { time: T0 + 2 * HOUR, open: 202, high: 204, low: 201, close: 203, volume: 7 },
    ]);
  });

  it('reads a headered file with ISO times in several forms and offsets', async () => {
    const series = await createCsvCandleSource({ path: fixture('ohlcv-headered-iso.csv'), timeframe: '1h' }).load();
    expect(series.candles).toEqual([
      { time: T0, open: 100, high: 102, low: 99, close: 100.5, volume: 10 },
      { time: T0 + HOUR, open: 101, high: 103, low: 100, close: 101.5, volume: 11 },
      { time: T0 + 2 * HOUR, open: 102, high: 104, low: 101, close: 102.5, volume: 12 }, // written as 07:30+05:30
      { time: T0 + 3 * HOUR, open: 103, high: 105, low: 102, close: 103.5, volume: 13 },
      { time: T0 + 4 * HOUR, open: 104, high: 106, low: 103, close: 104.75, volume: 14.5 },
    ]);
    expect(series.gaps).toEqual([]);
  });

  it('reads a headered file with millisecond timestamps at a daily timeframe', async () => {
    const series = await createCsvCandleSource({ path: fixture('ohlcv-headered-daily-ms.csv'), timeframe: '1d' }).load();
    expect(series.candles.map((c) => c.close)).toEqual([100.5, 101.5, 102.5]);
    expect(series.gaps).toEqual([{ after: T0 + DAY, before: T0 + 3 * DAY, missing: 1 }]);
  });

  it('names the file, line and field of a malformed row', async () => {
    const path = fileURLToPath(fixture('malformed-close.csv'));
    const error = await loadError(createCsvCandleSource({ path, timeframe: '1h' }));
    expect(error.message).toBe(`${path} line 4, field "close": "abc" is not a number`);
  });

  it('rejects a file whose spacing does not fit the timeframe', async () => {
    const error = await loadError(createCsvCandleSource({ path: fixture('binance-1h-with-gap.csv'), timeframe: '4h' }));
    expect(error.field).toBe('market.timeframe');
    expect(error.message).toContain('lines 1 and 2: candles at 2024-01-01T00:00:00.000Z and 2024-01-01T01:00:00.000Z are 60 minutes apart');
    expect(error.message).toContain('read it with --timeframe 1h');
  });

  it('rejects a missing file as bad input', async () => {
    const error = await loadError(createCsvCandleSource({ path: fixture('no-such-file.csv'), timeframe: '1h' }));
    expect(error.message).toMatch(/cannot read candle file .*no-such-file\.csv \(ENOENT\)/);
  });

  it('rejects a lookback that is not a positive integer', () => {
    expect(() => createCsvCandleSource({ path: 'x.csv', timeframe: '1h', lookback: 0 })).toThrow(BadInputError);
  });
});

describe('createCsvCandleSource on hostile files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mur-csv-source-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const HEADER = 'timestamp,open,high,low,close,volume';
  /** A headered file of `count` hourly candles. */
  const hourlyText = (count: number) => [HEADER, ...Array.from({ length: count }, (_, i) => `${T0 + i * HOUR},100,102,99,101,10`)].join('\n');
  const write = async (name: string, content: string | Uint8Array) => {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return file;
  };
  const requirement = { count: 800, reason: 'window 72, horizon 24, validation 0.15 and test 0.15' };

  it('names the file, the count found and the count needed for a header-only file', async () => {
    const file = await write('header-only.csv', `${HEADER}\n`);
    const error = await loadError(createCsvCandleSource({ path: file, timeframe: '1h', minimumCandles: requirement }));
    expect(error.message).toBe(`${file} holds only a header, no candle rows (0 candles found; window 72, horizon 24, validation 0.15 and test 0.15 need at least 800)`);
  });

  it('names the file, its lines and the count needed for a file too short to train on', async () => {
    const file = await write('short.csv', hourlyText(100));
    const error = await loadError(createCsvCandleSource({ path: file, timeframe: '1h', minimumCandles: requirement }));
    expect(error.message).toBe(`${file} holds 100 candles (lines 2–101); window 72, horizon 24, validation 0.15 and test 0.15 need at least 800: use a longer file`);
    await expect(createCsvCandleSource({ path: file, timeframe: '1h', minimumCandles: { ...requirement, count: 100 } }).load()).resolves.toMatchObject({ candles: { length: 100 } });
  });

  it('refuses repeated times by default and keeps the first row of each time when asked', async () => {
    const rows = hourlyText(5).split('\n');
    const file = await write('repeats.csv', [...rows, `${T0 + HOUR},100,102,99,100.5,10`, rows[3]].join('\n'));
    const error = await loadError(createCsvCandleSource({ path: file, timeframe: '1h' }));
    expect(error.message).toContain(`${file}: 2 rows repeat the time of an earlier row (1 of them with different values); the first is line 7, which repeats line 3`);
    expect(error.message).toContain('--duplicates keep-first');
    const series = await createCsvCandleSource({ path: file, timeframe: '1h', duplicates: 'keep-first' }).load();
    expect(series.candles.map((c) => c.close)).toEqual([101, 101, 101, 101, 101]);
  });

  it('names the line where the time turns back', async () => {
    const rows = hourlyText(6).split('\n');
    const file = await write('out-of-order.csv', [rows[0], rows[1], rows[4], rows[5], rows[2], rows[3], rows[6]].join('\n'));
    const error = await loadError(createCsvCandleSource({ path: file, timeframe: '1h' }));
    expect(error.message).toContain(`${file}: rows out of order: line 5 (2024-01-01T01:00:00.000Z) is earlier than line 4 (2024-01-01T04:00:00.000Z)`);
  });

  it('suggests the timeframe of an hourly file read as 1-minute candles', async () => {
    const file = await write('hourly.csv', hourlyText(300));
    const error = await loadError(createCsvCandleSource({ path: file, timeframe: '1m' }));
    expect(error.field).toBe('market.timeframe');
    expect(error.message).toContain(`${file}: no two consecutive candles are 1m apart`);
    expect(error.message).toContain('read it with --timeframe 1h');
  });

  it.each([
    ['UTF-16 with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(hourlyText(3), 'utf16le')]), 'is UTF-16 text'],
    ['a zip archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), 'is a zip archive'],
    ['binary bytes', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]), 'is not a text file'],
  ])('refuses %s, saying what the file is', async (_case, bytes, message) => {
    const file = await write('encoded.csv', bytes);
    const error = await loadError(createCsvCandleSource({ path: file, timeframe: '1h' }));
    expect(error.message).toContain(`${file} ${message}`);
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
  });
});

// The real Binance dump lives beside the repository (<repo>/../shared/data) on build machines only.
const REAL_DUMP = new URL('../../../../shared/data/ETHUSDT-1h-binance-2020-01-01_2022-04-11.csv', import.meta.url);
const hasRealDump = existsSync(REAL_DUMP);
const realDumpNote = hasRealDump ? '' : ' (skipped: <repo>/../shared/data/ETHUSDT-1h-binance-2020-01-01_2022-04-11.csv is absent)';

describe.skipIf(!hasRealDump)(`real ETH/USDT hourly dump${realDumpNote}`, () => {
  it('loads 19,919 candles with their 14 gaps', async () => {
    const series = await createCsvCandleSource({ path: REAL_DUMP, timeframe: '1h' }).load();
    expect(series.candles).toHaveLength(19_919);
    expect(series.gaps).toHaveLength(14);
    expect(series.candles[0]).toEqual({ time: Date.UTC(2020, 0, 1), open: 129.16, high: 129.19, low: 128.68, close: 128.87, volume: 7769.17336 });
    expect(series.candles.at(-1)?.time).toBe(Date.UTC(2022, 3, 11, 4));
    // 2020-01-01 00:00 to 2022-04-11 04:00 is 831 days and 4 hours: 19,949 hourly slots, 30 of them empty.
    expect(series.gaps.reduce((sum, gap) => sum + gap.missing, 0)).toBe(30);
    expect(series.gaps.every((gap) => gap.missing >= 1 && gap.missing <= 5)).toBe(true);
  });

  it('keeps the last 1000 candles when asked', async () => {
    const series = await createCsvCandleSource({ path: REAL_DUMP, timeframe: '1h', lookback: 1_000 }).load();
    expect(series.candles).toHaveLength(1_000);
    expect(series.candles.at(-1)?.time).toBe(Date.UTC(2022, 3, 11, 4));
  });
});
