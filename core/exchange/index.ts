// The exchange side of the platform, shared by the trainer and the inference server.
export { createExchange, rewriteApiUrls, type CreateExchangeOptions } from './create-exchange.ts';
export {
  fetchCandles,
  fetchRecentCandles,
  type CandleRequestOptions,
  type FetchCandlesOptions,
  type FetchRecentCandlesOptions,
  type FetchedCandles,
} from './fetch-candles.ts';
export { SILENT_LOG, type ExchangeLog } from './log.ts';
export { DEFAULT_EXCHANGE_RETRY_POLICY, isTemporaryExchangeError, withExchangeRetry } from './retry.ts';
export type { RetryPolicy } from '../retry.ts';
