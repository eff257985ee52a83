import { parseArgs } from 'node:util';
import { MarketSpecSchema } from '../../../core/spec.ts';
import type { CsvCandleSourceOptions } from '../candles/index.ts';
import { BACKEND_NAMES } from '../model/backend.ts';

// TypeBox keeps the schema options as plain JSON Schema keywords; read the lookback's from there.
const LOOKBACK_SCHEMA = MarketSpecSchema.properties.lookback as unknown as { readonly default: number; readonly maximum: number };

/** The most candles a run may train on (the spec schema's bound); with --data and no --lookback, the whole file up to this. */
export const MAX_LOOKBACK: number = LOOKBACK_SCHEMA.maximum;

/** How the CSV source treats rows repeating an earlier row's time. */
export type DuplicatePolicy = NonNullable<CsvCandleSourceOptions['duplicates']>;

/** The values of `--duplicates`, the default first: stop the run naming the rows, or keep each time's first row. */
export const DUPLICATE_POLICIES = ['refuse', 'keep-first'] as const satisfies readonly DuplicatePolicy[];

/** A `mur train` flag: its type, the value's placeholder, the spec field it sets and what it defaults to. */
export interface TrainFlag {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder of the value in help and docs, e.g. FILE. */
  readonly value?: string;
  /** The TrainingRun spec field the flag sets; its default then comes from the spec schema. */
  readonly spec?: `market.${string}` | `model.${string}`;
  /** The default of a flag without a spec field, or one that differs from the schema's (said why). */
  readonly default?: string;
  readonly help: string;
}

/** Flags of `mur train`: the single source for parsing, `--help` and the README's settings table. */
export const TRAIN_FLAGS = {
  exchange: { type: 'string', value: 'ID', spec: 'market.exchange', default: 'required without --data', help: 'ccxt exchange id, e.g. binance; with --data, the market the model will serve' },
  symbol: { type: 'string', value: 'BASE/QUOTE', spec: 'market.symbol', default: 'required with --exchange', help: 'market symbol, e.g. BTC/USDT' },
  timeframe: { type: 'string', value: 'TF', spec: 'market.timeframe', help: 'candle timeframe: 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d' },
  lookback: {
    type: 'string',
    value: 'N',
    spec: 'market.lookback',
    default: `${LOOKBACK_SCHEMA.default}; with --data the whole file (its last ${MAX_LOOKBACK} candles at most)`,
    help: 'number of most recent closed candles to train on',
  },
  data: { type: 'string', value: 'FILE', default: 'the exchange', help: 'read candles from this CSV file (Binance kline dump or headered OHLCV) instead of the exchange' },
  duplicates: { type: 'string', value: DUPLICATE_POLICIES.join('|'), default: DUPLICATE_POLICIES[0], help: 'with --data, rows sharing a timestamp: refuse stops the run naming them, keep-first keeps the first' },
  'exchange-url': { type: 'string', value: 'URL', default: "the exchange's own API", help: "the exchange's REST API base URL (a mirror or replay server)" },
  artifact: {
    type: 'string',
    value: 'URI',
    default: './artifacts/<exchange>/<base-quote>-<timeframe>/<version>/',
    help: 'where to write the artifact: a folder path, file:///dir/ or s3://bucket/prefix/',
  },
  version: {
    type: 'string',
    value: 'NAME',
    default: 'the last folder name of --artifact when it is a valid name (a-z 0-9 . -), else the UTC start time, e.g. 20260102t030405z',
    help: 'model version recorded in the manifest',
  },
  window: { type: 'string', value: 'N', spec: 'model.window', help: 'candles of history per forecast' },
  horizon: { type: 'string', value: 'N', spec: 'model.horizon', help: 'future candles forecast at once' },
  units: { type: 'string', value: 'N', spec: 'model.units', help: 'LSTM units per layer' },
  layers: { type: 'string', value: 'N', spec: 'model.layers', help: 'stacked LSTM layers' },
  dropout: { type: 'string', value: 'X', spec: 'model.dropout', help: 'dropout on LSTM outputs during training' },
  epochs: { type: 'string', value: 'N', spec: 'model.epochs', help: 'maximum epochs' },
  patience: { type: 'string', value: 'N', spec: 'model.patience', help: 'early-stopping patience in epochs' },
  'batch-size': { type: 'string', value: 'N', spec: 'model.batchSize', help: 'training batch size' },
  'learning-rate': { type: 'string', value: 'X', spec: 'model.learningRate', help: 'Adam learning rate' },
  'clip-norm': { type: 'string', value: 'X', spec: 'model.clipNorm', help: 'gradient clipping by global norm' },
  quantiles: { type: 'string', value: 'Q,Q,…', spec: 'model.quantiles', help: 'comma-separated, strictly increasing, including 0.5' },
  'validation-fraction': { type: 'string', value: 'X', spec: 'model.validationFraction', help: 'share of samples for early stopping' },
  'test-fraction': { type: 'string', value: 'X', spec: 'model.testFraction', help: 'share of samples held out for the backtest' },
  seed: { type: 'string', value: 'N', spec: 'model.seed', default: 'random', help: 'random seed for reproducible training' },
  backend: { type: 'string', value: 'NAME', default: `best available: ${BACKEND_NAMES.join(', ')}`, help: `force a TensorFlow.js backend: ${BACKEND_NAMES.join(', ')}` },
  'termination-log': { type: 'string', value: 'FILE', default: 'none', help: 'also write the one-line summary to this file' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies Record<string, TrainFlag>;

/** Name of a `mur train` flag, without the dashes. */
export type TrainFlagName = keyof typeof TRAIN_FLAGS;

/** Parsed `mur train` flags, as strings exactly as given (validation happens against the spec schema). */
export type TrainFlagValues = { [K in TrainFlagName]?: (typeof TRAIN_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** Parse argv (without the `train` word); unknown flags and stray arguments are errors naming them. */
export function parseTrainFlags(argv: readonly string[]): TrainFlagValues {
  const options = Object.fromEntries(
    Object.entries(TRAIN_FLAGS).map(([name, flag]) => [name, 'short' in flag ? { type: flag.type, short: flag.short } : { type: flag.type }]),
  );
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  return values as TrainFlagValues;
}
