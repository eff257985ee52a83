import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { findGaps } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { timeframeMs } from '../../../core/timeframe.ts';
import { decodeCandleFile } from './candle-file-text.ts';
import type { CandleSeries, CandleSource } from './candle-source.ts';
import { orderCsvCandles, type DuplicateCandlePolicy } from './csv-row-order.ts';
import { requireTimeframeSpacing } from './csv-spacing.ts';
import { parseCandleCsv } from './parse-candle-csv.ts';

/** The fewest candles training can use, and what sets that number (e.g. "window 72, horizon 24, …"). */
export interface CandleRequirement {
  readonly count: number;
  readonly reason: string;
}

/** Options of {@link createCsvCandleSource}. */
export interface CsvCandleSourceOptions {
  /** The CSV file: a Binance kline dump or a headered OHLCV file. */
  readonly path: string | URL;
  /** The candles' timeframe, used to find gaps and to check the file's spacing. */
  readonly timeframe: string;
  /** Keep only the last `lookback` candles; all of them when omitted. */
  readonly lookback?: number;
  /** Rows repeating an earlier row's time: refuse the file (the default) or keep each time's first row. */
  readonly duplicates?: DuplicateCandlePolicy;
  /** When given, a file holding fewer candles is refused by name before any training starts. */
  readonly minimumCandles?: CandleRequirement;
}

/**
 * A CandleSource reading a CSV file. Every refusal is a BadInputError naming the file and, where one is
 * at fault, the line: malformed or impossible rows, repeated times, rows out of order, a spacing that does
 * not fit the timeframe, a file that is not UTF-8 text, or one with too few candles.
 */
export function createCsvCandleSource(options: CsvCandleSourceOptions): CandleSource {
  const filePath = options.path instanceof URL ? fileURLToPath(options.path) : options.path;
  const stepMs = timeframeMs(options.timeframe);
  if (options.lookback !== undefined && !(Number.isInteger(options.lookback) && options.lookback > 0)) {
    throw new BadInputError(`market.lookback must be a positive integer, got ${options.lookback}`, 'market.lookback');
  }
  const description = `CSV file ${filePath} (${options.timeframe}${options.lookback === undefined ? '' : `, last ${options.lookback} candles`})`;

  return {
    describe: () => description,
    async load(): Promise<CandleSeries> {
      const parsed = parseCandleCsv(decodeCandleFile(await readCandleFile(filePath), filePath), filePath);
      const { candles: all, lines } = orderCsvCandles(parsed.candles, parsed.lines, filePath, options.duplicates ?? 'refuse');
      if (all.length === 0) {
        const what = parsed.format === 'headered' ? 'only a header, no candle rows' : 'no candle rows';
        throw new BadInputError(`${filePath} holds ${what} (0 candles found${needs(options.minimumCandles)})`, 'data');
      }
      if (options.minimumCandles !== undefined && all.length < options.minimumCandles.count) {
        throw new BadInputError(
          `${filePath} holds ${all.length} candles (lines ${lines[0]}–${lines[lines.length - 1]})${needs(options.minimumCandles)}: use a longer file`,
          'data',
        );
      }
      requireTimeframeSpacing(all, lines, options.timeframe, filePath);
      const candles = options.lookback === undefined ? all : all.slice(-options.lookback);
      return { candles, gaps: findGaps(candles, stepMs), source: description };
    },
  };
}

async function readCandleFile(filePath: string): Promise<Buffer> {
  try {
    return await readFile(filePath);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new BadInputError(`cannot read candle file ${filePath} (${code})`, 'data', { cause });
    }
    throw new Error(`read candle file ${filePath}`, { cause });
  }
}

function needs(requirement: CandleRequirement | undefined): string {
  return requirement === undefined ? '' : `; ${requirement.reason} need at least ${requirement.count}`;
}
