// The trainer's exchange source against the replay server, through the real ccxt client.
import { afterEach, describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { startExchangeReplayServer, type ExchangeReplayServer } from '../../../exchange-replay/exchange-replay-server.ts';
import { createExchangeCandleSource } from './exchange-candle-source.ts';

const FOUR_HOURS = 4 * 3_600_000;
const T0 = Date.UTC(2023, 6, 1);

function fourHourCandles(count: number, missing: readonly number[]): Candle[] {
  return Array.from({ length: count }, (_, i) => i)
    .filter((i) => !missing.includes(i))
    .map((i) => ({ time: T0 + i * FOUR_HOURS, open: 30_000 + i, high: 30_010 + i, low: 29_990 + i, close: 30_005 + i, volume: 1 + i / 10 }));
}

let server: ExchangeReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createExchangeCandleSource', () => {
  it('loads the last lookback closed candles with their gaps', async () => {
    const source = fourHourCandles(60, [50, 51]);
    const now = T0 + 59 * FOUR_HOURS + 1; // candle 59 still open
    server = await startExchangeReplayServer({ candles: source, timeframe: '4h', symbol: 'BTC/USDT', now });
    const candleSource = createExchangeCandleSource({
      market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '4h', lookback: 20 },
      baseUrl: server.url,
      now: () => now,
      pageLimit: 8,
    });

    const series = await candleSource.load();

    // The window opens 21 slots before now, just after candle 38; 50 and 51 are missing, 59 is open.
    expect(series.candles).toEqual(source.filter((c) => c.time >= T0 + 39 * FOUR_HOURS && c.time < T0 + 59 * FOUR_HOURS));
    expect(series.candles).toHaveLength(18);
    expect(series.gaps).toEqual([{ after: T0 + 49 * FOUR_HOURS, before: T0 + 52 * FOUR_HOURS, missing: 2 }]);
    expect(series.source).toBe('binance BTC/USDT 4h, last 20 candles');
    expect(candleSource.describe()).toBe(series.source);
  });

  it('rejects an unknown exchange id when created', () => {
    expect(() =>
      createExchangeCandleSource({ market: { exchange: 'mtgox', symbol: 'BTC/USD', timeframe: '1h', lookback: 200 } }),
    ).toThrow(expect.objectContaining({ name: 'BadInputError', field: 'market.exchange' }));
  });

  it('rejects an unknown symbol when loading', async () => {
    server = await startExchangeReplayServer({ candles: fourHourCandles(5, []), timeframe: '4h', now: T0 + 5 * FOUR_HOURS });
    const candleSource = createExchangeCandleSource({
      market: { exchange: 'binance', symbol: 'ETH/BTC', timeframe: '4h', lookback: 200 },
      baseUrl: server.url,
    });
    await expect(candleSource.load()).rejects.toThrow(BadInputError);
    await expect(candleSource.load()).rejects.toMatchObject({ field: 'market.symbol' });
  });
});
