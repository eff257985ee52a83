import ccxt, { type Exchange, type OHLCV } from 'ccxt';
import { findGaps, sortAndDeduplicate, type Candle, type CandleGap } from '../candle.ts';
import { BadInputError } from '../errors.ts';
import { timeframeMs } from '../timeframe.ts';
import { SILENT_LOG, type ExchangeLog } from './log.ts';
import type { RetryPolicy } from '../retry.ts';
import { DEFAULT_EXCHANGE_RETRY_POLICY, retryAfterMs, withExchangeRetry } from './retry.ts';

/** Closed candles, oldest first, and the holes between them. */
export interface FetchedCandles {
  readonly candles: Candle[];
  readonly gaps: CandleGap[];
}

/** Settings shared by {@link fetchCandles} and {@link fetchRecentCandles}. */
export interface CandleRequestOptions {
  readonly symbol: string;
  readonly timeframe: string;
  /** The present, ms since the epoch; candles still open at this instant are dropped. Default `Date.now()`. */
  readonly now?: number;
  readonly log?: ExchangeLog;
  /** Overrides of the retry policy for temporary failures (tests inject `sleep`). */
  readonly retry?: Partial<RetryPolicy>;
}

/** Options of {@link fetchCandles}. */
export interface FetchCandlesOptions extends CandleRequestOptions {
  /** How many of the most recent closed candles to return. */
  readonly lookback: number;
  /** Candles asked for per request; Binance serves at most 1000, which is the default. */
  readonly pageLimit?: number;
}

/** Options of {@link fetchRecentCandles}. */
export interface FetchRecentCandlesOptions extends CandleRequestOptions {
  /** How many of the most recent closed candles to return. */
  readonly count: number;
}

/** The largest page Binance (and most exchanges) serve; bigger asks are silently cut by the exchange. */
const MAX_PAGE_LIMIT = 1000;

/**
 * The last `lookback` closed candles of a market, paged through the exchange's history. Temporary
 * failures are retried with backoff; an unknown symbol or timeframe is a BadInputError. Fewer candles
 * than asked is logged, not thrown: the caller decides whether the history suffices.
 */
export async function fetchCandles(exchange: Exchange, options: FetchCandlesOptions): Promise<FetchedCandles> {
  const pageLimit = options.pageLimit ?? MAX_PAGE_LIMIT;
  if (!Number.isInteger(pageLimit) || pageLimit < 1) throw new BadInputError(`page limit must be a positive integer, got ${pageLimit}`, 'pageLimit');
  return fetchClosedCandles(exchange, options, requireCount(options.lookback, 'market.lookback'), pageLimit);
}

/**
 * The last `count` closed candles for a live feed: one request (two when `count` nears the page
 * limit), with the same cleaning and retry as {@link fetchCandles}.
 */
export async function fetchRecentCandles(exchange: Exchange, options: FetchRecentCandlesOptions): Promise<FetchedCandles> {
  const count = requireCount(options.count, 'count');
  // count + 2 covers the still-open candle and an instant that falls exactly on a candle boundary.
  return fetchClosedCandles(exchange, options, count, Math.min(count + 2, MAX_PAGE_LIMIT));
}

async function fetchClosedCandles(
  exchange: Exchange,
  options: CandleRequestOptions,
  count: number,
  pageLimit: number,
): Promise<FetchedCandles> {
  const { symbol, timeframe, now = Date.now(), log = SILENT_LOG } = options;
  const stepMs = marketTimeframeMs(timeframe);
  const policy: RetryPolicy = { ...DEFAULT_EXCHANGE_RETRY_POLICY, ...options.retry };
  const retryOptions = { policy, log, requestedDelayMs: () => retryAfterMs(exchange.last_response_headers) };
  await requireMarket(exchange, symbol, timeframe, retryOptions);

  // One candle more than asked: the window then still holds `count` closed candles when `now` falls
  // inside a candle, whose open one is dropped below.
  let since = now - (count + 1) * stepMs;
  const received: Candle[] = [];
  let pages = 0;
  while (since <= now) {
    const pageSince = since;
    const rows = await withExchangeRetry(
      `fetch ${exchange.id} ${symbol} ${timeframe} candles since ${new Date(pageSince).toISOString()}`,
      () => fetchPage(exchange, symbol, timeframe, pageSince, pageLimit),
      retryOptions,
    );
    pages++;
    if (rows.length === 0) break;
    let newest = Number.NEGATIVE_INFINITY;
    for (const row of rows) {
      const candle = toCandle(row, exchange.id, symbol);
      received.push(candle);
      if (candle.time > newest) newest = candle.time;
    }
    // An exchange that answers with nothing newer than asked for would otherwise be polled forever.
    if (newest < pageSince) break;
    since = newest + stepMs;
  }

  const closed = sortAndDeduplicate(received).filter((candle) => candle.time + stepMs <= now);
  const candles = closed.slice(-count);
  const gaps = findGaps(candles, stepMs);
  const summary = { exchange: exchange.id, symbol, timeframe, pages, candles: candles.length, gaps: gaps.length };
  if (candles.length < count) log.warn({ ...summary, requested: count }, 'exchange returned fewer closed candles than requested');
  else log.info(summary, 'fetched candles');
  return { candles, gaps };
}

async function fetchPage(exchange: Exchange, symbol: string, timeframe: string, since: number, limit: number): Promise<OHLCV[]> {
  try {
    return await exchange.fetchOHLCV(symbol, timeframe, since, limit);
  } catch (error) {
    if (error instanceof ccxt.BadSymbol) {
      throw new BadInputError(`market.symbol "${symbol}" is not available on ${exchange.id}`, 'market.symbol', { cause: error });
    }
    throw error;
  }
}

/** Loads the exchange's markets (retrying) and checks that it lists the symbol and serves the timeframe. */
async function requireMarket(
  exchange: Exchange,
  symbol: string,
  timeframe: string,
  retryOptions: Parameters<typeof withExchangeRetry>[2],
): Promise<void> {
  if (exchange.has['fetchOHLCV'] !== true && exchange.has['fetchOHLCV'] !== 'emulated') {
    throw new BadInputError(`market.exchange "${exchange.id}" does not offer candle history`, 'market.exchange');
  }
  if (exchange.timeframes?.[timeframe] === undefined) {
    throw new BadInputError(`market.timeframe "${timeframe}" is not offered by ${exchange.id}`, 'market.timeframe');
  }
  // ccxt caches a failed loadMarkets promise; until markets are loaded, force a fresh load so a retry
  // (or the next poll of a live feed) really asks the exchange again.
  const markets = await withExchangeRetry(`load ${exchange.id} markets`, () => exchange.loadMarkets(exchange.markets === undefined), retryOptions);
  if (markets[symbol] === undefined) {
    throw new BadInputError(`market.symbol "${symbol}" is not listed on ${exchange.id}`, 'market.symbol');
  }
}

function marketTimeframeMs(timeframe: string): number {
  try {
    return timeframeMs(timeframe);
  } catch (cause) {
    throw new BadInputError(`market.${(cause as Error).message}`, 'market.timeframe', { cause });
  }
}

function requireCount(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw new BadInputError(`${field} must be a positive integer, got ${value}`, field);
  return value;
}

function toCandle(row: OHLCV, exchangeId: string, symbol: string): Candle {
  const [time, open, high, low, close, volume] = row;
  const values = [time, open, high, low, close, volume];
  if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw new Error(`${exchangeId} returned a malformed ${symbol} candle: ${JSON.stringify(row)}`);
  }
  return { time: time!, open: open!, high: high!, low: low!, close: close!, volume: volume! };
}
