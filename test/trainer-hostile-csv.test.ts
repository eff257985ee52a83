// Hostile candle files through the real `mur train --data`: each is refused with exit code 2 and a one-line
// summary naming the file and, where one is at fault, the line, before any training starts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../core/candle.ts';
import { runMur, summaryOf } from './support/run-cli.ts';
import { makeCandles } from './support/server-fixtures.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const SMALL_MODEL = ['--timeframe', '1h', '--window', '12', '--horizon', '3', '--units', '8', '--epochs', '1', '--batch-size', '32', '--seed', '7'];
const HEADER = 'timestamp,open,high,low,close,volume';

const csvRow = (c: Candle) => `${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`;
/** A headered file of `count` hourly candles; row k of the candles is on line k + 2. */
const candleRows = (count: number) => makeCandles({ start: START, count, seed: 5 }).map(csvRow);
const headered = (rows: readonly string[]) => `${HEADER}\n${rows.join('\n')}\n`;

/** [case, file content, extra flags, what the error must contain]. */
const cases: Array<[string, () => string | Uint8Array, string[], RegExp]> = [
  [
    'repeated times (refused by default)',
    () => {
      const rows = candleRows(400);
      const repeated = rows.slice(100, 150).map((row) => row.replace(/,([^,]+),([^,]+)$/, (_, close, volume) => `,${close},${Number(volume) + 1}`));
      return headered([...rows, ...repeated]);
    },
    [],
    /hostile\.csv: 50 rows repeat the time of an earlier row \(50 of them with different values\); the first is line 402, which repeats line 102 .*--duplicates keep-first/,
  ],
  [
    'an open above the high',
    () => {
      const candles = makeCandles({ start: START, count: 400, seed: 5 });
      candles[200] = { ...candles[200]!, open: candles[200]!.high + 50 };
      return headered(candles.map(csvRow));
    },
    [],
    /hostile\.csv line 202, field "open": [\d.]+ is above the high of [\d.]+$/,
  ],
  [
    'prices so large the metrics would overflow',
    () => headered(makeCandles({ start: START, count: 400, seed: 5, startPrice: 1e300 }).map(csvRow)),
    [],
    /hostile\.csv line 2, field "open": 1e\+300 is above the largest price accepted, 1e\+15$/,
  ],
  ['a header and no rows', () => `${HEADER}\n`, [], /hostile\.csv holds only a header, no candle rows \(0 candles found; window 12, horizon 3, validation 0\.15 and test 0\.15 need at least \d+\)/],
  ['too few candles', () => headered(candleRows(50)), [], /hostile\.csv holds 50 candles \(lines 2–51\); window 12, horizon 3, validation 0\.15 and test 0\.15 need at least \d+: use a longer file/],
  [
    'rows out of order',
    () => {
      const rows = candleRows(400);
      return headered([...rows.slice(0, 200), ...rows.slice(300), ...rows.slice(200, 300)]);
    },
    [],
    /hostile\.csv: rows out of order: line 302 \(2024-01-09T08:00:00\.000Z\) is earlier than line 301 \(2024-01-17T15:00:00\.000Z\)/,
  ],
  ['an hourly file read as 1-minute candles', () => headered(candleRows(400)), ['--timeframe', '1m'], /no two consecutive candles are 1m apart.*read it with --timeframe 1h/],
  ['a UTF-16 file', () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(headered(candleRows(400)), 'utf16le')]), [], /hostile\.csv is UTF-16 text .*save it as UTF-8/],
  ['a binary file', () => Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)), [], /hostile\.csv is not a text file/],
];

describe('mur train --data with hostile files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mur-hostile-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(cases)('exits 2 for %s, naming the file and line', async (name, content, flags, message) => {
    const caseDir = await mkdtemp(path.join(dir, 'case-'));
    const csv = path.join(caseDir, 'hostile.csv');
    await writeFile(csv, content());
    const result = await runMur(['train', '--data', csv, '--artifact', path.join(caseDir, 'out'), ...SMALL_MODEL, ...flags]);
    expect(result.code, `${name}: ${result.stderr.slice(-1500)}`).toBe(2);
    const summary = summaryOf(result);
    expect(summary).toMatchObject({ ok: false, reason: 'BadInput' });
    expect(String(summary.error)).toMatch(message);
    // The line a Pod's status shows: printable, and short whatever the file held.
    expect(result.stdout.trim().split('\n').pop()).toMatch(/^[\x20-\x7e–]+$/);
  });

  it('keeps the first row of each repeated time with --duplicates keep-first, and trains', async () => {
    const csv = path.join(dir, 'repeats.csv');
    const rows = candleRows(400);
    await writeFile(csv, headered([...rows, ...rows.slice(100, 150).map((row) => row.replace(/,([^,]+)$/, ',999'))]));
    const result = await runMur(['train', '--data', csv, '--duplicates', 'keep-first', '--artifact', path.join(dir, 'out'), ...SMALL_MODEL]);
    expect(result.code, result.stderr.slice(-1500)).toBe(0);
    expect(summaryOf(result)).toMatchObject({ ok: true });
  });
});
