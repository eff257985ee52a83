import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';

/** What to do with rows that repeat an earlier row's time: refuse the file, or keep each time's first row. */
export type DuplicateCandlePolicy = 'refuse' | 'keep-first';

/** Candles oldest first, each with the 1-based line of the file it came from. */
export interface OrderedCsvCandles {
  readonly candles: Candle[];
  readonly lines: number[];
}

/**
 * Candles of a file (in file order, with their lines) oldest first, without repeated times. A file may
 * run oldest first or newest first (some exports do), but every row must follow that direction: a row that
 * goes back in time means the file was assembled wrongly (dumps joined out of order), so it is refused,
 * naming the line, rather than sorted silently. Repeated times are refused (naming the first repeat and the
 * line it repeats) unless `duplicates` is 'keep-first': which of two differing rows is right is not for the
 * trainer to guess.
 */
export function orderCsvCandles(candles: readonly Candle[], lines: readonly number[], fileName: string, duplicates: DuplicateCandlePolicy): OrderedCsvCandles {
  const kept = withoutRepeatedTimes(candles, lines, fileName, duplicates);
  requireOneDirection(kept, fileName);
  const first = kept.candles[0];
  const last = kept.candles[kept.candles.length - 1];
  if (first !== undefined && last !== undefined && first.time > last.time) return { candles: kept.candles.toReversed(), lines: kept.lines.toReversed() };
  return kept;
}

function withoutRepeatedTimes(candles: readonly Candle[], lines: readonly number[], fileName: string, duplicates: DuplicateCandlePolicy): OrderedCsvCandles {
  const firstIndexByTime = new Map<number, number>();
  const kept: OrderedCsvCandles = { candles: [], lines: [] };
  let repeats = 0;
  let differing = 0;
  let firstRepeat: { line: number; of: number; time: number } | undefined;
  candles.forEach((candle, i) => {
    const earlier = firstIndexByTime.get(candle.time);
    if (earlier === undefined) {
      firstIndexByTime.set(candle.time, i);
      kept.candles.push(candle);
      kept.lines.push(lines[i]!);
      return;
    }
    repeats++;
    if (!sameCandle(candle, candles[earlier]!)) differing++;
    firstRepeat ??= { line: lines[i]!, of: lines[earlier]!, time: candle.time };
  });
  if (firstRepeat !== undefined && duplicates === 'refuse') {
    const rows = repeats === 1 ? '1 row repeats' : `${repeats} rows repeat`;
    const values = differing === 0 ? 'all with the same values' : `${differing} of them with different values`;
    throw new BadInputError(
      `${fileName}: ${rows} the time of an earlier row (${values}); the first is line ${firstRepeat.line}, ` +
        `which repeats line ${firstRepeat.of} (${isoTime(firstRepeat.time)}). Remove the repeated rows, or pass ` +
        '--duplicates keep-first to keep the first row of each time',
      'data',
    );
  }
  return kept;
}

/** Throws unless the times only rise or only fall from the first row to the last. */
function requireOneDirection({ candles, lines }: OrderedCsvCandles, fileName: string): void {
  if (candles.length < 2) return;
  const rising = candles[0]!.time < candles[candles.length - 1]!.time;
  let wrongTurns = 0;
  let firstWrongTurn = -1;
  for (let i = 1; i < candles.length; i++) {
    const [previous, time] = [candles[i - 1]!.time, candles[i]!.time];
    if (rising ? time < previous : time > previous) {
      wrongTurns++;
      if (firstWrongTurn === -1) firstWrongTurn = i;
    }
  }
  if (firstWrongTurn === -1) return;
  const row = candles[firstWrongTurn]!;
  const previous = candles[firstWrongTurn - 1]!;
  const direction = rising ? 'oldest first' : 'newest first';
  const places = wrongTurns === 1 ? '1 place' : `${wrongTurns} places`;
  throw new BadInputError(
    `${fileName}: rows out of order: line ${lines[firstWrongTurn]} (${isoTime(row.time)}) is ${rising ? 'earlier' : 'later'} than ` +
      `line ${lines[firstWrongTurn - 1]} (${isoTime(previous.time)}) before it, in a file that runs ${direction}; the time turns back ` +
      `at ${places}. Sort the rows by time`,
    'data',
  );
}

function sameCandle(a: Candle, b: Candle): boolean {
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
}

function isoTime(time: number): string {
  return new Date(time).toISOString();
}
