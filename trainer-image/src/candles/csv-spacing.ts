import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { TIMEFRAMES, timeframeMs } from '../../../core/timeframe.ts';

/** The step most consecutive candles of a file are apart, how many steps have it, and the first place it occurs. */
interface FileSpacing {
  readonly stepMs: number;
  readonly count: number;
  readonly of: number;
  /** Index of the later candle of the first pair this far apart. */
  readonly firstAt: number;
}

/**
 * Throws unless candles (oldest first, with their lines) fit the timeframe: every step a whole number of
 * candles, and at least one step exactly one candle. A 1-minute file read as 1-hour candles fails the
 * first; a 1-hour file read as 1-minute candles passes it (60 minutes is 60 candles) but would train on
 * a grid of 59 missing candles out of every 60, so it fails the second. Both name the file's own spacing
 * and the timeframe to read it with.
 */
export function requireTimeframeSpacing(candles: readonly Candle[], lines: readonly number[], timeframe: string, fileName: string): void {
  if (candles.length < 2) return;
  const stepMs = timeframeMs(timeframe);
  const spacing = fileSpacing(candles);
  for (let i = 1; i < candles.length; i++) {
    const delta = candles[i]!.time - candles[i - 1]!.time;
    if (delta % stepMs === 0) continue;
    throw new BadInputError(
      `${fileName} lines ${lines[i - 1]} and ${lines[i]}: candles at ${isoTime(candles[i - 1]!.time)} and ${isoTime(candles[i]!.time)} are ` +
        `${describeDuration(delta)} apart, not a whole number of ${timeframe} candles. ${spacingHint(spacing, stepMs, lines)}`,
      'market.timeframe',
    );
  }
  if (candles.some((candle, i) => i > 0 && candle.time - candles[i - 1]!.time === stepMs)) return;
  throw new BadInputError(
    `${fileName}: no two consecutive candles are ${timeframe} apart, so these are not ${timeframe} candles. ${spacingHint(spacing, stepMs, lines)}`,
    'market.timeframe',
  );
}

/** The most common step between consecutive candles (oldest first); ties go to the smaller step. */
function fileSpacing(candles: readonly Candle[]): FileSpacing {
  const counts = new Map<number, { count: number; firstAt: number }>();
  for (let i = 1; i < candles.length; i++) {
    const delta = candles[i]!.time - candles[i - 1]!.time;
    const seen = counts.get(delta);
    if (seen === undefined) counts.set(delta, { count: 1, firstAt: i });
    else seen.count++;
  }
  let best: FileSpacing = { stepMs: 0, count: 0, of: candles.length - 1, firstAt: 0 };
  for (const [stepMs, { count, firstAt }] of counts) {
    if (count > best.count || (count === best.count && stepMs < best.stepMs)) best = { stepMs, count, of: candles.length - 1, firstAt };
  }
  return best;
}

function spacingHint(spacing: FileSpacing, stepMs: number, lines: readonly number[]): string {
  const where = `${spacing.count} of ${spacing.of} steps, e.g. lines ${lines[spacing.firstAt - 1]} and ${lines[spacing.firstAt]}`;
  if (spacing.stepMs === stepMs) return `The rest of the file is on that grid (${where}): is a row out of place?`;
  const matching = TIMEFRAMES.find((timeframe) => timeframeMs(timeframe) === spacing.stepMs);
  const usual = `Most of the file's candles are ${describeDuration(spacing.stepMs)} apart (${where})`;
  return matching === undefined
    ? `${usual}, which is no supported timeframe (${TIMEFRAMES.join(', ')})`
    : `${usual}: read it with --timeframe ${matching} (market.timeframe ${matching})`;
}

function describeDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (Number.isInteger(minutes)) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  return `${ms / 1000} seconds`;
}

function isoTime(time: number): string {
  return new Date(time).toISOString();
}
