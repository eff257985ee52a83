import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { findGaps, sortAndDeduplicate, type Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { timeframeMs } from '../../../core/timeframe.ts';
import type { CandleSeries, CandleSource } from './candle-source.ts';
import { parseCandleCsv } from './parse-candle-csv.ts';

/** Options of {@link createCsvCandleSource}. */
export interface CsvCandleSourceOptions {
  /** The CSV file: a Binance kline dump or a headered OHLCV file. */
  readonly path: string | URL;
  /** The candles' timeframe, used to find gaps and to check the file's spacing. */
  readonly timeframe: string;
  /** Keep only the last `lookback` candles; all of them when omitted. */
  readonly lookback?: number;
}

/** A CandleSource reading a CSV file; malformed rows are BadInputErrors naming file, line and field. */
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
      let text: string;
      try {
        text = await readFile(filePath, 'utf8');
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
          throw new BadInputError(`cannot read candle file ${filePath} (${code})`, 'data', { cause });
        }
        throw new Error(`read candle file ${filePath}`, { cause });
      }
      const all = sortAndDeduplicate(parseCandleCsv(text, filePath).candles);
      requireTimeframeSpacing(all, stepMs, options.timeframe, filePath);
      const candles = options.lookback === undefined ? all : all.slice(-options.lookback);
      return { candles, gaps: findGaps(candles, stepMs), source: description };
    },
  };
}

/**
 * Candles a whole number of timeframes apart. A 1-minute file read as 1-hour candles (or the other way
 * round) would otherwise train on a silently wrong grid.
 */
function requireTimeframeSpacing(candles: readonly Candle[], stepMs: number, timeframe: string, filePath: string): void {
  for (let i = 1; i < candles.length; i++) {
    const previous = candles[i - 1]!.time;
    const delta = candles[i]!.time - previous;
    if (delta % stepMs !== 0) {
      throw new BadInputError(
        `${filePath}: candles at ${new Date(previous).toISOString()} and ${new Date(candles[i]!.time).toISOString()} are ` +
          `${delta / 60_000} minutes apart, not a whole number of ${timeframe} candles (is the timeframe right?)`,
        'market.timeframe',
      );
    }
  }
}
