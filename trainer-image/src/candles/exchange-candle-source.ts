import { createExchange, fetchCandles, type ExchangeLog, type RetryPolicy } from '../../../core/exchange/index.ts';
import type { CandleSeries, CandleSource } from './candle-source.ts';

/** Options of {@link createExchangeCandleSource}. */
export interface ExchangeCandleSourceOptions {
  /** Exchange, symbol, timeframe and how many closed candles to fetch (a spec's `market` fits). */
  readonly market: {
    readonly exchange: string;
    readonly symbol: string;
    readonly timeframe: string;
    readonly lookback: number;
  };
  /** REST base URL override (air-gapped mirror, replay server). */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** The present, injectable for tests; default the wall clock. */
  readonly now?: () => number;
  readonly log?: ExchangeLog;
  readonly retry?: Partial<RetryPolicy>;
  /** Candles per request; default the exchange maximum (1000). */
  readonly pageLimit?: number;
}

/**
 * A CandleSource over ccxt: the last `lookback` closed candles of the market. The exchange id is checked
 * when the source is created (BadInputError naming `market.exchange`), the symbol when it loads.
 */
export function createExchangeCandleSource(options: ExchangeCandleSourceOptions): CandleSource {
  const { market } = options;
  const exchange = createExchange(market.exchange, { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs });
  const description = `${market.exchange} ${market.symbol} ${market.timeframe}, last ${market.lookback} candles`;
  return {
    describe: () => description,
    async load(): Promise<CandleSeries> {
      const { candles, gaps } = await fetchCandles(exchange, {
        symbol: market.symbol,
        timeframe: market.timeframe,
        lookback: market.lookback,
        now: options.now?.(),
        log: options.log,
        retry: options.retry,
        pageLimit: options.pageLimit,
      });
      return { candles, gaps, source: description };
    },
  };
}
