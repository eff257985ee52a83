/**
 * A fake Binance spot REST API on 127.0.0.1 that replays an in-memory candle list, so the real ccxt
 * code (pointed at it with `createExchange('binance', { baseUrl: server.url })`) runs unmodified.
 *
 * Routes (the public ones ccxt uses for `loadMarkets` and `fetchOHLCV`):
 *   GET /api/v3/ping          → {}
 *   GET /api/v3/time          → { serverTime }
 *   GET /api/v3/exchangeInfo  → the replayed symbol(s) only; `?symbol=` filters like Binance
 *   GET /api/v3/klines        → `symbol`, `interval`, `startTime`, `endTime`, `limit` (default 500, max 1000)
 *
 * Time: only candles whose open time is ≤ the server's "now" exist, so the newest one returned is still
 * open — exactly like the real exchange. "Now" is the wall clock until `setNow` pins it.
 * Faults: `failNext` answers the next requests with 429 (+ Retry-After and Binance's -1003 body),
 * 418, 500 (Binance's -1000 body) or 502–504; `setDown` resets every connection or answers 503 until
 * it is lifted. Every request is recorded in `requests`, including refused ones.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Candle } from '../core/candle.ts';
import { timeframeMs } from '../core/timeframe.ts';

/** One extra market served next to the main one (same timeframe). */
export interface ReplayMarket {
  readonly symbol: string;
  readonly candles: readonly Candle[];
}

/** Options of {@link startExchangeReplayServer}. */
export interface ExchangeReplayServerOptions {
  /** The main market's candles (any order; open times on the timeframe grid). */
  readonly candles: readonly Candle[];
  /** The candle interval the klines route serves (e.g. `1h`); other intervals get Binance's -1120 error. */
  readonly timeframe: string;
  /** The main market as BASE/QUOTE; default `BTC/USDT`. */
  readonly symbol?: string;
  /** More markets to list and replay. */
  readonly additionalMarkets?: readonly ReplayMarket[];
  /** Initial "now" in ms; without it the wall clock is used until `setNow` is called. */
  readonly now?: number;
  /** The Retry-After header (seconds) sent with 429/418 replies; default 1. */
  readonly retryAfterSeconds?: number;
}

/** What the server saw and answered; `status` 0 means the connection was reset instead. */
export interface ReplayedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

/** Statuses `failNext` can answer with. */
export type ReplayFailureStatus = 418 | 429 | 500 | 502 | 503 | 504;

/** How an exchange that is down behaves: connections reset, or a 503 from a load balancer. */
export type ReplayDownMode = 'reset' | 'unavailable';

/** A running replay server. */
export interface ExchangeReplayServer {
  /** Base URL to pass as `createExchange(..., { baseUrl })`. */
  readonly url: string;
  /** Every request so far, oldest first (tests may clear it with `requests.length = 0`). */
  readonly requests: ReplayedRequest[];
  /** Pin the server's "now"; candles opening after it do not exist yet, the one spanning it is open. */
  setNow(ms: number): void;
  /** Take the exchange down (every request fails) or bring it back. */
  setDown(down: boolean, mode?: ReplayDownMode): void;
  /** Answer the next `count` requests (to `route`, e.g. `klines`, when given) with an error `status`. */
  failNext(count: number, status?: ReplayFailureStatus, route?: string): void;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

interface MarketEntry {
  readonly symbol: string;
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  readonly candles: readonly Candle[];
}

interface PendingFailure {
  readonly status: ReplayFailureStatus;
  readonly route: string | undefined;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const API_PREFIX = '/api/v3/';
const DEFAULT_KLINES_LIMIT = 500;
const MAX_KLINES_LIMIT = 1000;

/** Start a replay server on 127.0.0.1 on a free port. */
export async function startExchangeReplayServer(options: ExchangeReplayServerOptions): Promise<ExchangeReplayServer> {
  const stepMs = timeframeMs(options.timeframe);
  const markets = [
    toMarketEntry({ symbol: options.symbol ?? 'BTC/USDT', candles: options.candles }),
    ...(options.additionalMarkets ?? []).map(toMarketEntry),
  ];
  const marketsById = new Map(markets.map((market) => [market.id, market]));
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const requests: ReplayedRequest[] = [];
  const failures: PendingFailure[] = [];
  const sockets = new Set<Socket>();
  let pinnedNow = options.now;
  let down: ReplayDownMode | undefined;

  const now = (): number => pinnedNow ?? Date.now();

  function answer(route: string, query: Record<string, string>): Reply {
    switch (route) {
      case 'ping':
        return { status: 200, body: {} };
      case 'time':
        return { status: 200, body: { serverTime: now() } };
      case 'exchangeInfo':
        return exchangeInfo(query);
      case 'klines':
        return klines(query);
      default:
        return { status: 404, body: 'Not Found' };
    }
  }

  function exchangeInfo(query: Record<string, string>): Reply {
    let listed = markets;
    if (query['symbol'] !== undefined) {
      const market = marketsById.get(query['symbol']);
      if (market === undefined) return binanceError(400, -1121, 'Invalid symbol.');
      listed = [market];
    }
    return {
      status: 200,
      body: {
        timezone: 'UTC',
        serverTime: now(),
        rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
        exchangeFilters: [],
        symbols: listed.map(describeSpotSymbol),
      },
    };
  }

  function klines(query: Record<string, string>): Reply {
    const symbolId = query['symbol'];
    if (symbolId === undefined || symbolId === '') {
      return binanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
    }
    const market = marketsById.get(symbolId);
    if (market === undefined) return binanceError(400, -1121, 'Invalid symbol.');
    if (query['interval'] !== options.timeframe) return binanceError(400, -1120, 'Invalid interval.');
    const limit = query['limit'] === undefined ? DEFAULT_KLINES_LIMIT : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KLINES_LIMIT) {
      return binanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
    }
    const startTime = optionalInteger(query['startTime']);
    const endTime = optionalInteger(query['endTime']);
    if (Number.isNaN(startTime) || Number.isNaN(endTime)) {
      return binanceError(400, -1100, 'Illegal characters found in a parameter.');
    }
    const visible = market.candles.filter(
      (candle) =>
        candle.time <= now() &&
        (startTime === undefined || candle.time >= startTime) &&
        (endTime === undefined || candle.time <= endTime),
    );
    // Binance pages forward from startTime, and otherwise returns the newest candles up to endTime.
    const page = startTime !== undefined ? visible.slice(0, limit) : visible.slice(-limit);
    return { status: 200, body: page.map((candle) => toKline(candle, stepMs)) };
  }

  function takeFailure(route: string): PendingFailure | undefined {
    const index = failures.findIndex((failure) => failure.route === undefined || failure.route === route);
    return index === -1 ? undefined : failures.splice(index, 1)[0];
  }

  function failureReply(status: ReplayFailureStatus): Reply {
    const retryAfter = { 'Retry-After': String(retryAfterSeconds) };
    switch (status) {
      case 429:
        return {
          ...binanceError(429, -1003, 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.'),
          headers: retryAfter,
        };
      case 418:
        return { ...binanceError(418, -1003, 'Way too many requests; IP(127.0.0.1) banned until further notice.'), headers: retryAfter };
      case 500:
        return binanceError(500, -1000, 'An unknown error occurred while processing the request.');
      default:
        return { status, body: 'Service Unavailable' };
    }
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://replay.invalid');
    const query = Object.fromEntries(url.searchParams);
    const record = (status: number): void => {
      requests.push({ method: request.method ?? 'GET', path: url.pathname, query, status });
    };
    if (down === 'reset') {
      record(0);
      request.socket.destroy();
      return;
    }
    const route = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : '';
    let reply: Reply;
    if (down === 'unavailable') reply = { status: 503, body: 'Service Unavailable' };
    else if (request.method !== 'GET') reply = { status: 405, body: 'Method Not Allowed' };
    else {
      const failure = takeFailure(route);
      reply = failure !== undefined ? failureReply(failure.status) : answer(route, query);
    }
    record(reply.status);
    const isText = typeof reply.body === 'string';
    response.writeHead(reply.status, {
      'Content-Type': isText ? 'text/plain' : 'application/json;charset=UTF-8',
      ...reply.headers,
    });
    response.end(isText ? reply.body : JSON.stringify(reply.body));
  }

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setNow(ms) {
      pinnedNow = ms;
    },
    setDown(isDown, mode = 'reset') {
      down = isDown ? mode : undefined;
      // Kept-alive connections would otherwise carry on as if nothing happened.
      if (isDown && mode === 'reset') for (const socket of sockets) socket.destroy();
    },
    failNext(count, status = 429, route) {
      for (let i = 0; i < count; i++) failures.push({ status, route });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function toMarketEntry(market: ReplayMarket): MarketEntry {
  const match = /^([A-Z0-9]+)\/([A-Z0-9]+)$/.exec(market.symbol);
  if (match === null) throw new Error(`replay symbol "${market.symbol}" is not BASE/QUOTE`);
  const [, base, quote] = match as unknown as [string, string, string];
  const candles = [...market.candles].sort((a, b) => a.time - b.time);
  return { symbol: market.symbol, id: `${base}${quote}`, base, quote, candles };
}

/** The fields of a Binance spot exchangeInfo symbol that ccxt's market parser reads. */
function describeSpotSymbol(market: MarketEntry): Record<string, unknown> {
  return {
    symbol: market.id,
    status: 'TRADING',
    baseAsset: market.base,
    baseAssetPrecision: 8,
    quoteAsset: market.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: true,
    ocoAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
      { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
    ],
    permissions: ['SPOT'],
  };
}

/** A Binance kline row: prices and volumes as strings, close time one millisecond before the next open. */
function toKline(candle: Candle, stepMs: number): unknown[] {
  return [
    candle.time,
    String(candle.open),
    String(candle.high),
    String(candle.low),
    String(candle.close),
    String(candle.volume),
    candle.time + stepMs - 1,
    String(candle.volume * candle.close),
    0,
    '0',
    '0',
    '0',
  ];
}

function binanceError(status: number, code: number, msg: string): Reply {
  return { status, body: { code, msg } };
}

function optionalInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}
