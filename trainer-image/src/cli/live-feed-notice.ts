import type { MarketSpec } from '../../../core/spec.ts';
import { UNKNOWN_CSV_SYMBOL } from './trainer-config.ts';

/**
 * The line ending a run trained with --data but without --exchange and --symbol: its manifest records a
 * made-up market, so the inference service can forecast posted candles but never start a live feed.
 */
export function noLiveFeedNotice(market: Pick<MarketSpec, 'exchange' | 'symbol'>, dataFile: string): string {
  return (
    `this model cannot serve live forecasts: it was trained from ${dataFile} without --exchange and --symbol, so its manifest ` +
    `records market "${market.exchange}" ${market.symbol}; the inference service will forecast candles posted to it ` +
    `(POST /v1/forecast) but GET /v1/forecast will answer 503. To serve a live feed, train again with ` +
    `--data ${dataFile} --exchange <ccxt id, e.g. binance> --symbol ${market.symbol === UNKNOWN_CSV_SYMBOL ? '<BASE/QUOTE>' : market.symbol}`
  );
}
