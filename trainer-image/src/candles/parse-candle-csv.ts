import { findCandleProblem, type Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { parseCsvTime } from './csv-time.ts';
import { EXCERPT_MAX_CHARS, quoteExcerpt } from './quote-excerpt.ts';

/** The two layouts a candle CSV may have; detected from its first non-blank line. */
export type CandleCsvFormat = 'binance-klines' | 'headered';

/** Candles in file order (unsorted, duplicates kept), the 1-based line each came from, and the detected layout. */
export interface ParsedCandleCsv {
  readonly format: CandleCsvFormat;
  readonly candles: Candle[];
  /** `lines[i]` is the line of `candles[i]`, so later checks (duplicates, order, spacing) can name it. */
  readonly lines: number[];
}

/** Binance's public kline dumps: no header, these 12 columns. */
export const BINANCE_KLINE_COLUMNS = [
  'open_time', 'open', 'high', 'low', 'close', 'volume',
  'close_time', 'quote_volume', 'trades', 'taker_buy_base', 'taker_buy_quote', 'ignore',
] as const;

/** Header names accepted for the candle's open time, in order of preference. */
export const TIME_COLUMN_NAMES = ['timestamp', 'open_time', 'time', 'date'] as const;

const VALUE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/** Where each candle field sits in a row (a column index per Candle field), and the row's columns. */
interface ColumnLayout extends Readonly<Record<keyof Candle, number>> {
  readonly count: number;
  readonly names: readonly string[];
}

const BINANCE_LAYOUT: ColumnLayout = { count: 12, names: BINANCE_KLINE_COLUMNS, time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };

/**
 * Parse candle CSV text (a Binance kline dump or a headered OHLCV file). `fileName` names the file in
 * errors: a malformed row, or a candle no market could produce (see findCandleProblem), is a
 * BadInputError naming the file, the 1-based line and the field.
 */
export function parseCandleCsv(text: string, fileName: string): ParsedCandleCsv {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && isBlank(lines[first]!)) first++;
  if (first === lines.length) throw new BadInputError(`${fileName} is empty`, fileName);

  const firstCells = splitRow(lines[first]!, first === 0);
  const headered = !/^\d/.test(firstCells[0] ?? '');
  const layout = headered ? layoutFromHeader(firstCells, fileName, first + 1) : BINANCE_LAYOUT;
  const candles: Candle[] = [];
  const candleLines: number[] = [];
  for (let index = headered ? first + 1 : first; index < lines.length; index++) {
    const line = lines[index]!;
    if (isBlank(line)) continue;
    candles.push(parseRow(splitRow(line, index === 0), layout, fileName, index + 1, headered));
    candleLines.push(index + 1);
  }
  return { format: headered ? 'headered' : 'binance-klines', candles, lines: candleLines };
}

function layoutFromHeader(header: string[], fileName: string, lineNumber: number): ColumnLayout {
  const names = header.map((name) => name.toLowerCase());
  const where = `${fileName} line ${lineNumber}`;
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name) && name !== '') throw new BadInputError(`${where}: the header names column ${quoteExcerpt(name)} twice`, fileName);
    seen.add(name);
  }
  // The header is quoted as one short excerpt: a binary file read as text has a "header" of garbage.
  const found = quoteExcerpt(header.join(', '), 2 * EXCERPT_MAX_CHARS);
  const time = TIME_COLUMN_NAMES.map((name) => names.indexOf(name)).find((index) => index !== -1);
  if (time === undefined) {
    throw new BadInputError(`${where}: the header has no time column (one of ${TIME_COLUMN_NAMES.join(', ')}); found ${found}`, fileName);
  }
  const index = (column: (typeof VALUE_COLUMNS)[number]): number => {
    const at = names.indexOf(column);
    if (at === -1) throw new BadInputError(`${where}: the header has no "${column}" column; found ${found}`, fileName);
    return at;
  };
  return { count: header.length, names: header, time, open: index('open'), high: index('high'), low: index('low'), close: index('close'), volume: index('volume') };
}

function parseRow(cells: string[], layout: ColumnLayout, fileName: string, lineNumber: number, headered: boolean): Candle {
  const where = `${fileName} line ${lineNumber}`;
  if (cells.length !== layout.count) {
    const expected = headered ? `${layout.count} columns as in the header` : `${layout.count} columns (Binance kline dump)`;
    throw new BadInputError(`${where}: expected ${expected}, found ${cells.length}`, fileName);
  }
  const fail = (column: number, problem: string): never => {
    throw new BadInputError(`${where}, field ${quoteExcerpt(layout.names[column]!)}: ${problem}`, fileName);
  };
  const number = (column: number): number => {
    const cell = cells[column]!;
    const value = cell === '' ? Number.NaN : Number(cell);
    if (Number.isNaN(value)) fail(column, `${quoteExcerpt(cell)} is not a number`);
    if (!Number.isFinite(value)) fail(column, `${quoteExcerpt(cell)} is not a finite number`);
    return value;
  };

  const time = parseCsvTime(cells[layout.time]!);
  if (time === undefined) fail(layout.time, `${quoteExcerpt(cells[layout.time]!)} is not a time (epoch milliseconds or ISO 8601)`);
  const candle = { time: time!, open: number(layout.open), high: number(layout.high), low: number(layout.low), close: number(layout.close), volume: number(layout.volume) };
  const problem = findCandleProblem(candle);
  if (problem !== undefined) fail(layout[problem.field], problem.message);
  return candle;
}

/** Cells of one row: CR and BOM removed, cells trimmed and unquoted (candle files never quote commas). */
function splitRow(line: string, isFirstLine: boolean): string[] {
  let row = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (isFirstLine && row.charCodeAt(0) === 0xfeff) row = row.slice(1);
  const cells = row.split(',');
  for (let i = 0; i < cells.length; i++) {
    let cell = cells[i]!.trim();
    if (cell.length >= 2 && cell.startsWith('"') && cell.endsWith('"')) cell = cell.slice(1, -1).trim();
    cells[i] = cell;
  }
  return cells;
}

function isBlank(line: string): boolean {
  return line.trim() === '' || line.trim() === '\uFEFF';
}
