import { BadInputError } from './errors.ts';

/** Candle timeframes the platform supports, as ccxt names them. */
export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'] as const;

/** One of the supported candle timeframes. */
export type Timeframe = (typeof TIMEFRAMES)[number];

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in one candle of the given timeframe; throws BadInputError for unknown ones. */
export function timeframeMs(timeframe: string): number {
  if (!(TIMEFRAMES as readonly string[]).includes(timeframe)) {
    throw new BadInputError(`timeframe "${timeframe}" is not supported (use one of ${TIMEFRAMES.join(', ')})`, 'timeframe');
  }
  const amount = Number.parseInt(timeframe.slice(0, -1), 10);
  return amount * (UNIT_MS[timeframe.slice(-1)] ?? Number.NaN);
}

/** Number of candles of `timeframe` in one day (the seasonal-naive period). */
export function candlesPerDay(timeframe: string): number {
  return Math.max(1, Math.round(86_400_000 / timeframeMs(timeframe)));
}
