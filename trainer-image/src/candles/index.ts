// Where the trainer's candle history comes from: an exchange through ccxt, or a CSV file.
export type { CandleSeries, CandleSource } from './candle-source.ts';
export { createCsvCandleSource, type CandleRequirement, type CsvCandleSourceOptions } from './csv-candle-source.ts';
export type { DuplicateCandlePolicy } from './csv-row-order.ts';
export { createExchangeCandleSource, type ExchangeCandleSourceOptions } from './exchange-candle-source.ts';
export { BINANCE_KLINE_COLUMNS, parseCandleCsv, TIME_COLUMN_NAMES, type CandleCsvFormat, type ParsedCandleCsv } from './parse-candle-csv.ts';
export { epochToMs, parseCsvTime } from './csv-time.ts';
