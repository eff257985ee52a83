/**
 * An offline market for the demo and the local cluster: recorded candles from a CSV file replayed through the
 * local exchange mirror, shifted so the series runs into the present and the mirror keeps closing new candles.
 */
import path from 'node:path';
import type { Candle } from '../core/candle.ts';
import { timeframeMs } from '../core/timeframe.ts';
import { createCsvCandleSource } from '../trainer-image/src/candles/index.ts';
import { startExchangeReplayServer } from '../exchange-replay/exchange-replay-server.ts';

/** A running replayed market. */
export interface ReplayedMarket {
  /** Base URL to point ccxt at (MUR_EXCHANGE_BASE_URL, EXCHANGE_BASE_URL, --exchange-url). */
  readonly url: string;
  /** What is replayed, for the user. */
  readonly description: string;
  close(): Promise<void>;
}

/** Replay the candles of `data` (a Binance kline dump or headered OHLCV CSV) as `symbol` on Binance's REST routes. */
export async function startReplayedMarket(options: { readonly data: string; readonly timeframe: string; readonly symbol: string }): Promise<ReplayedMarket> {
  const { candles } = await createCsvCandleSource({ path: options.data, timeframe: options.timeframe }).load();
  const replay = await startExchangeReplayServer({ candles: shiftIntoPresent(candles, timeframeMs(options.timeframe)), timeframe: options.timeframe, symbol: options.symbol });
  return {
    url: replay.url,
    description: `${candles.length} recorded ${options.timeframe} candles from ${path.basename(options.data)} replayed as binance ${options.symbol} at ${replay.url}`,
    close: () => replay.close(),
  };
}

/** Shift a recorded series so that its last week lies in the future: the mirror keeps closing candles. */
function shiftIntoPresent(candles: readonly Candle[], stepMs: number): Candle[] {
  const aheadSteps = Math.min(168, Math.floor(candles.length / 10));
  const pivot = candles[candles.length - 1 - aheadSteps]!;
  const currentSlot = Math.floor(Date.now() / stepMs) * stepMs;
  const shift = currentSlot - stepMs - pivot.time;
  return candles.map((candle) => ({ ...candle, time: candle.time + shift }));
}
