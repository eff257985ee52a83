import type { Candle, CandleGap } from '../../../core/candle.ts';

/** Closed candles, oldest first, without duplicates; `gaps` lists the holes; `source` says where they came from. */
export interface CandleSeries {
  readonly candles: Candle[];
  readonly gaps: CandleGap[];
  readonly source: string;
}

/** Where the trainer gets its history: an exchange or a file. */
export interface CandleSource {
  /** A short human description for logs, e.g. `binance BTC/USDT 1h, last 8760 candles`. */
  describe(): string;
  /** Fetch or read the series; bad input (unknown symbol, malformed row) is a BadInputError. */
  load(): Promise<CandleSeries>;
}
