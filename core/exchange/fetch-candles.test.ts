// Runs the real ccxt Binance client against the replay server on loopback.
import ccxt from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { startExchangeReplayServer, type ExchangeReplayServer } from '../../exchange-replay/exchange-replay-server.ts';
import type { Candle } from '../candle.ts';
import { BadInputError, isBadInput } from '../errors.ts';
import { createExchange } from './create-exchange.ts';
import { fetchCandles, fetchRecentCandles } from './fetch-candles.ts';
import type { ExchangeLog } from './log.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** `count` hourly candles from T0 with distinct, hand-checkable prices; `missing` indices are left out. */
function hourlyCandles(count: number, missing: readonly number[] = []): Candle[] {
  const candles: Candle[] = [];
  for (let i = 0; i < count; i++) {
    if (missing.includes(i)) continue;
    candles.push({ time: T0 + i * HOUR, open: 100 + i, high: 101 + i, low: 99.5 + i, close: 100.5 + i, volume: 10 + i });
  }
  return candles;
}

function recordingLog(): ExchangeLog & { warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  return { warnings, info() {}, warn: (details) => void warnings.push(details) };
}

let server: ExchangeReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function replay(candles: Candle[], now: number): Promise<ExchangeReplayServer> {
  server = await startExchangeReplayServer({ candles, timeframe: '1h', symbol: 'BTC/USDT', now });
  return server;
}

/** The error a promise rejects with; fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<BadInputError> {
  try {
    await promise;
  } catch (error) {
    return error as BadInputError;
  }
  throw new Error('expected the call to fail');
}

const klineRequests = (s: ExchangeReplayServer) => s.requests.filter((r) => r.path === '/api/v3/klines');

describe('fetchCandles', () => {
  it('pages forward through history and keeps the last `lookback` closed candles', async () => {
    const source = hourlyCandles(2_500);
    const now = T0 + 2_499 * HOUR + 30 * 60_000; // candle 2499 is still open
    const s = await replay(source, now);
    const exchange = createExchange('binance', { baseUrl: s.url });

    const { candles, gaps } = await fetchCandles(exchange, { symbol: 'BTC/USDT', timeframe: '1h', lookback: 2_400, now });

    expect(candles).toEqual(source.slice(99, 2_499));
    expect(gaps).toEqual([]);
    // Start at now − 2401 h, then one hour past the newest candle of each 1000-candle page.
    expect(klineRequests(s).map((r) => Number(r.query['startTime']))).toEqual([T0 + 98.5 * HOUR, T0 + 1_099 * HOUR, T0 + 2_099 * HOUR]);
    expect(klineRequests(s).every((r) => r.query['limit'] === '1000' && r.query['symbol'] === 'BTCUSDT')).toBe(true);
  });

  it('pages with a small page limit and reports a gap that straddles a page boundary', async () => {
    const source = hourlyCandles(40, [10, 11, 12]);
    const now = T0 + 40 * HOUR; // exactly on a boundary: candle 39 has just closed
    const s = await replay(source, now);
    const exchange = createExchange('binance', { baseUrl: s.url });

    const { candles, gaps } = await fetchCandles(exchange, { symbol: 'BTC/USDT', timeframe: '1h', lookback: 36, now, pageLimit: 7 });

    // The window opens lookback + 1 slots before now, at candle 3; 3 of its slots are empty, so only
    // 34 candles exist and all are kept (a gap costs candles, it is not back-filled).
    expect(candles).toEqual(source.filter((c) => c.time >= T0 + 3 * HOUR));
    expect(candles).toHaveLength(34);
    expect(gaps).toEqual([{ after: T0 + 9 * HOUR, before: T0 + 13 * HOUR, missing: 3 }]);
    expect(klineRequests(s).length).toBeGreaterThan(4);
  });

  it('drops the still-open newest candle, and keeps it once it has closed', async () => {
    const source = hourlyCandles(30);
    const s = await replay(source, T0 + 29 * HOUR + 1);
    const exchange = createExchange('binance', { baseUrl: s.url });

    const before = await fetchCandles(exchange, { symbol: 'BTC/USDT', timeframe: '1h', lookback: 5, now: T0 + 29 * HOUR + 1 });
    expect(before.candles.map((c) => c.time)).toEqual([24, 25, 26, 27, 28].map((i) => T0 + i * HOUR));

    s.setNow(T0 + 30 * HOUR + 5 * 60_000);
    const after = await fetchCandles(exchange, { symbol: 'BTC/USDT', timeframe: '1h', lookback: 5, now: T0 + 30 * HOUR + 5 * 60_000 });
    expect(after.candles.map((c) => c.time)).toEqual([25, 26, 27, 28, 29].map((i) => T0 + i * HOUR));
  });

  it('waits out a 429 (honouring Retry-After) and then succeeds', async () => {
    const source = hourlyCandles(51); // candle 50 opens at `now`, so the first page reaches the present
    const now = T0 + 50 * HOUR;
    const s = await replay(source, now);
    s.failNext(1, 429, 'klines');
    const sleeps: number[] = [];
    const exchange = createExchange('binance', { baseUrl: s.url });

    const { candles } = await fetchCandles(exchange, {
      symbol: 'BTC/USDT',
      timeframe: '1h',
      lookback: 10,
      now,
      retry: { baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) },
    });

    expect(candles).toEqual(source.slice(40, 50));
    expect(klineRequests(s).map((r) => r.status)).toEqual([429, 200]);
    expect(sleeps).toEqual([1_000]); // the replay server's Retry-After: 1
  });

  it('retries 500 replies while loading markets, with exponential backoff', async () => {
    const s = await replay(hourlyCandles(50), T0 + 50 * HOUR);
    s.failNext(2, 500, 'exchangeInfo');
    const sleeps: number[] = [];
    const exchange = createExchange('binance', { baseUrl: s.url });

    const { candles } = await fetchCandles(exchange, {
      symbol: 'BTC/USDT',
      timeframe: '1h',
      lookback: 10,
      now: T0 + 50 * HOUR,
      retry: { baseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) },
    });

    expect(candles).toHaveLength(10);
    expect(s.requests.filter((r) => r.path === '/api/v3/exchangeInfo').map((r) => r.status)).toEqual([500, 500, 200]);
    expect(sleeps).toEqual([10, 20]);
  });

  it('retries a reset connection until the exchange is back', async () => {
    const source = hourlyCandles(50);
    const s = await replay(source, T0 + 50 * HOUR);
    s.setDown(true);
    const sleeps: number[] = [];
    const exchange = createExchange('binance', { baseUrl: s.url });

    const { candles } = await fetchCandles(exchange, {
      symbol: 'BTC/USDT',
      timeframe: '1h',
      lookback: 10,
      now: T0 + 50 * HOUR,
      // The exchange comes back while the client backs off.
      retry: { baseDelayMs: 10, sleep: async (ms) => void (sleeps.push(ms), s.setDown(false)) },
    });

    expect(candles).toEqual(source.slice(40));
    expect(s.requests[0]).toMatchObject({ path: '/api/v3/exchangeInfo', status: 0 });
    expect(sleeps).toEqual([10]);
  });

  it('gives up after the attempts with an error that is not bad input', async () => {
    const s = await replay(hourlyCandles(50), T0 + 50 * HOUR);
    s.setDown(true, 'unavailable');
    const exchange = createExchange('binance', { baseUrl: s.url });

    const error = await rejectionOf(
      fetchCandles(exchange, {
        symbol: 'BTC/USDT',
        timeframe: '1h',
        lookback: 10,
        now: T0 + 50 * HOUR,
        retry: { attempts: 3, baseDelayMs: 1, sleep: async () => {} },
      }),
    );

    expect(error.message).toBe('load binance markets: still failing after 3 attempts');
    expect(error.cause).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(isBadInput(error)).toBe(false);
    expect(s.requests.map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it('rejects a symbol the exchange does not list as market.symbol, before asking for candles', async () => {
    const s = await replay(hourlyCandles(50), T0 + 50 * HOUR);
    const exchange = createExchange('binance', { baseUrl: s.url });

    const error = await rejectionOf(fetchCandles(exchange, { symbol: 'DOGE/USDT', timeframe: '1h', lookback: 10, now: T0 + 50 * HOUR }));

    expect(error).toBeInstanceOf(BadInputError);
    expect(error.field).toBe('market.symbol');
    expect(error.message).toBe('market.symbol "DOGE/USDT" is not listed on binance');
    expect(klineRequests(s)).toEqual([]);
  });

  it.each([
    [{ lookback: 0 }, 'market.lookback'],
    [{ lookback: 2.5 }, 'market.lookback'],
    [{ timeframe: '2d' }, 'market.timeframe'],
  ])('rejects %j as %s without a request', async (override, field) => {
    const s = await replay(hourlyCandles(5), T0 + 5 * HOUR);
    const exchange = createExchange('binance', { baseUrl: s.url });
    const options = { symbol: 'BTC/USDT', timeframe: '1h', lookback: 3, now: T0 + 5 * HOUR, ...override };
    const error = await rejectionOf(fetchCandles(exchange, options));
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.field).toBe(field);
    expect(s.requests).toEqual([]);
  });

  it('returns a short history as it is, and logs that it is short', async () => {
    const source = hourlyCandles(20);
    const s = await replay(source, T0 + 20 * HOUR);
    const log = recordingLog();
    const exchange = createExchange('binance', { baseUrl: s.url });

    const { candles } = await fetchCandles(exchange, { symbol: 'BTC/USDT', timeframe: '1h', lookback: 500, now: T0 + 20 * HOUR, log });

    expect(candles).toEqual(source);
    expect(log.warnings).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', candles: 20, requested: 500 })]);
  });
});

describe('fetchRecentCandles', () => {
  it('gets the last closed candles in one request', async () => {
    const source = hourlyCandles(100);
    const now = T0 + 99 * HOUR + 10 * 60_000;
    const s = await replay(source, now);
    const exchange = createExchange('binance', { baseUrl: s.url });

    const { candles, gaps } = await fetchRecentCandles(exchange, { symbol: 'BTC/USDT', timeframe: '1h', count: 24, now });

    expect(candles).toEqual(source.slice(75, 99));
    expect(gaps).toEqual([]);
    expect(klineRequests(s)).toHaveLength(1);
    expect(klineRequests(s)[0]?.query['limit']).toBe('26');
  });

  it('recovers on the next poll after the exchange was down', async () => {
    const source = hourlyCandles(100);
    const s = await replay(source, T0 + 90 * HOUR + 1);
    const exchange = createExchange('binance', { baseUrl: s.url });
    const poll = (now: number) =>
      fetchRecentCandles(exchange, { symbol: 'BTC/USDT', timeframe: '1h', count: 3, now, retry: { attempts: 1 } });

    s.setDown(true);
    await expect(poll(T0 + 90 * HOUR + 1)).rejects.toThrow('still failing after 1 attempt');

    s.setDown(false);
    expect((await poll(T0 + 90 * HOUR + 1)).candles.map((c) => c.time)).toEqual([87, 88, 89].map((i) => T0 + i * HOUR));

    s.setNow(T0 + 91 * HOUR + 1);
    expect((await poll(T0 + 91 * HOUR + 1)).candles.map((c) => c.time)).toEqual([88, 89, 90].map((i) => T0 + i * HOUR));
  });
});
