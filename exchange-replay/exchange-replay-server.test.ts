// The replay server's Binance semantics, checked over raw HTTP (the ccxt path is covered in core/exchange).
import { afterEach, describe, expect, it } from 'vitest';
import type { Candle } from '../core/candle.ts';
import { startExchangeReplayServer, type ExchangeReplayServer } from './exchange-replay-server.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 5, 1);

function minuteCandles(count: number, base = 100): Candle[] {
  return Array.from({ length: count }, (_, i) => ({
    time: T0 + i * MINUTE,
    open: base + i,
    high: base + i + 2,
    low: base + i - 1,
    close: base + i + 1,
    volume: 3 + i,
  }));
}

let server: ExchangeReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(path: string): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${server!.url}${path}`);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain-text replies stay text
  }
  return { status: response.status, headers: response.headers, body };
}

const openTimes = (rows: unknown[][]) => rows.map((row) => ((row[0] as number) - T0) / MINUTE);

describe('exchange replay server', () => {
  it('lists only the replayed markets in exchangeInfo and filters by ?symbol=', async () => {
    server = await startExchangeReplayServer({
      candles: minuteCandles(3),
      timeframe: '1m',
      symbol: 'ETH/USDT',
      additionalMarkets: [{ symbol: 'BTC/EUR', candles: minuteCandles(3, 50_000) }],
      now: T0,
    });
    const all = await get('/api/v3/exchangeInfo');
    expect(all.body.symbols.map((s: { symbol: string; baseAsset: string; quoteAsset: string }) => [s.symbol, s.baseAsset, s.quoteAsset])).toEqual([
      ['ETHUSDT', 'ETH', 'USDT'],
      ['BTCEUR', 'BTC', 'EUR'],
    ]);
    expect((await get('/api/v3/exchangeInfo?symbol=BTCEUR')).body.symbols).toHaveLength(1);
    expect(await get('/api/v3/exchangeInfo?symbol=XRPUSDT')).toMatchObject({ status: 400, body: { code: -1121 } });
  });

  it('answers ping and time with the pinned clock', async () => {
    server = await startExchangeReplayServer({ candles: [], timeframe: '1m', now: T0 + 123 });
    expect((await get('/api/v3/ping')).body).toEqual({});
    expect((await get('/api/v3/time')).body).toEqual({ serverTime: T0 + 123 });
    server.setNow(T0 + 456);
    expect((await get('/api/v3/time')).body).toEqual({ serverTime: T0 + 456 });
  });

  it('serves klines with Binance row layout and startTime / endTime / limit semantics', async () => {
    server = await startExchangeReplayServer({ candles: minuteCandles(1_200).reverse(), timeframe: '1m', now: T0 + 1_199 * MINUTE });
    const q = '/api/v3/klines?symbol=BTCUSDT&interval=1m';

    const first = await get(`${q}&startTime=${T0 + 10 * MINUTE - 1}&limit=3`);
    expect(first.body[0]).toEqual([T0 + 10 * MINUTE, '110', '112', '109', '111', '13', T0 + 11 * MINUTE - 1, '1443', 0, '0', '0', '0']);
    expect(openTimes(first.body)).toEqual([10, 11, 12]);

    expect(openTimes((await get(`${q}&endTime=${T0 + 20 * MINUTE}&limit=2`)).body)).toEqual([19, 20]);
    expect(openTimes((await get(`${q}&startTime=${T0 + 5 * MINUTE}&endTime=${T0 + 7 * MINUTE}`)).body)).toEqual([5, 6, 7]);
    // No range: the newest candles, 500 by default, 1000 at most.
    const newest = (await get(q)).body;
    expect(newest).toHaveLength(500);
    expect(openTimes(newest).at(-1)).toBe(1_199);
    expect((await get(`${q}&startTime=${T0}&limit=1000`)).body).toHaveLength(1_000);
    expect(await get(`${q}&limit=1001`)).toMatchObject({ status: 400, body: { code: -1130 } });
  });

  it('hides candles that open after "now", so the newest one returned is still open', async () => {
    server = await startExchangeReplayServer({ candles: minuteCandles(10), timeframe: '1m', now: T0 + 4 * MINUTE + 30_000 });
    const q = `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${T0}`;
    expect(openTimes((await get(q)).body)).toEqual([0, 1, 2, 3, 4]);
    server.setNow(T0 + 6 * MINUTE);
    expect(openTimes((await get(q)).body)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('answers unknown symbols and intervals with Binance error codes', async () => {
    server = await startExchangeReplayServer({ candles: minuteCandles(3), timeframe: '1m', now: T0 });
    expect(await get('/api/v3/klines?symbol=XRPUSDT&interval=1m')).toMatchObject({ status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
    expect(await get('/api/v3/klines?symbol=BTCUSDT&interval=1h')).toMatchObject({ status: 400, body: { code: -1120 } });
    expect(await get('/api/v3/klines?interval=1m')).toMatchObject({ status: 400, body: { code: -1102 } });
    expect(await get('/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=soon')).toMatchObject({ status: 400, body: { code: -1100 } });
    expect((await get('/api/v3/depth?symbol=BTCUSDT')).status).toBe(404);
  });

  it('fails the next requests on demand, per route when asked', async () => {
    server = await startExchangeReplayServer({ candles: minuteCandles(3), timeframe: '1m', now: T0, retryAfterSeconds: 7 });
    server.failNext(1, 429, 'klines');
    server.failNext(1, 500);

    // The route-less 500 is the first failure that matches exchangeInfo.
    expect(await get('/api/v3/exchangeInfo')).toMatchObject({ status: 500, body: { code: -1000 } });
    const limited = await get('/api/v3/klines?symbol=BTCUSDT&interval=1m');
    expect(limited).toMatchObject({ status: 429, body: { code: -1003 } });
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await get('/api/v3/klines?symbol=BTCUSDT&interval=1m')).status).toBe(200);
    server.failNext(1, 503);
    expect(await get('/api/v3/ping')).toMatchObject({ status: 503, body: 'Service Unavailable' });
  });

  it('resets connections or answers 503 while down, and recovers', async () => {
    server = await startExchangeReplayServer({ candles: minuteCandles(3), timeframe: '1m', now: T0 });
    expect((await get('/api/v3/ping')).status).toBe(200);

    server.setDown(true);
    await expect(fetch(`${server.url}/api/v3/ping`)).rejects.toThrow();
    server.setDown(true, 'unavailable');
    expect((await get('/api/v3/ping')).status).toBe(503);
    server.setDown(false);
    expect((await get('/api/v3/ping')).status).toBe(200);

    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/api/v3/ping', 200],
      ['/api/v3/ping', 0],
      ['/api/v3/ping', 503],
      ['/api/v3/ping', 200],
    ]);
  });
});
