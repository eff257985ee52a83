import { createExchange } from '../../../core/exchange/create-exchange.ts';
import { fetchRecentCandles } from '../../../core/exchange/fetch-candles.ts';
import type { ExchangeLog } from '../../../core/exchange/log.ts';
import type { MarketSpec } from '../../../core/spec.ts';
import type { RecentCandlesFetcher } from './live-feed.ts';

/** Options of {@link createExchangeFetcher}. */
export interface ExchangeFetcherOptions {
  /** Mirror of the exchange's REST API (EXCHANGE_BASE_URL); the exchange's own URL when undefined. */
  readonly baseUrl: string | undefined;
  readonly timeoutMs: number;
  readonly log: ExchangeLog;
}

/**
 * Recent closed candles of `market` through ccxt, one attempt per call: the live feed owns the backoff,
 * so a poll that fails is reported at once and the last forecast is marked stale.
 */
export function createExchangeFetcher(market: Pick<MarketSpec, 'exchange' | 'symbol' | 'timeframe'>, options: ExchangeFetcherOptions): RecentCandlesFetcher {
  const exchange = createExchange(market.exchange, { ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }), timeoutMs: options.timeoutMs });
  const { symbol, timeframe } = market;
  return (count, now) => fetchRecentCandles(exchange, { symbol, timeframe, count, now, log: options.log, retry: { attempts: 1 } });
}
