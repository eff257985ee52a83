import { parseArgs } from 'node:util';

/** Flags of `mur train`, with their help text; the single source for parsing and `--help`. */
export const TRAIN_FLAGS = {
  exchange: { type: 'string', help: 'ccxt exchange id (market.exchange), e.g. binance' },
  symbol: { type: 'string', help: 'market symbol BASE/QUOTE (market.symbol), e.g. BTC/USDT' },
  timeframe: { type: 'string', help: 'candle timeframe (market.timeframe): 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d' },
  lookback: { type: 'string', help: 'number of most recent closed candles to use (market.lookback)' },
  data: { type: 'string', help: 'read candles from this CSV file instead of the exchange (Binance kline dump or headered OHLCV)' },
  'exchange-url': { type: 'string', help: "override the exchange's REST API base URL (mirror or replay server)" },
  artifact: { type: 'string', help: 'where to write the artifact: file:///dir/, a folder path, or s3://bucket/prefix/' },
  version: { type: 'string', help: 'model version recorded in the manifest (default: a UTC timestamp)' },
  window: { type: 'string', help: 'candles of history per forecast (model.window)' },
  horizon: { type: 'string', help: 'future candles forecast at once (model.horizon)' },
  units: { type: 'string', help: 'LSTM units per layer (model.units)' },
  layers: { type: 'string', help: 'stacked LSTM layers (model.layers)' },
  dropout: { type: 'string', help: 'dropout during training (model.dropout)' },
  epochs: { type: 'string', help: 'maximum epochs (model.epochs)' },
  patience: { type: 'string', help: 'early-stopping patience in epochs (model.patience)' },
  'batch-size': { type: 'string', help: 'training batch size (model.batchSize)' },
  'learning-rate': { type: 'string', help: 'Adam learning rate (model.learningRate)' },
  'clip-norm': { type: 'string', help: 'gradient clipping by global norm (model.clipNorm)' },
  quantiles: { type: 'string', help: 'comma-separated quantiles including 0.5 (model.quantiles), e.g. 0.1,0.5,0.9' },
  'validation-fraction': { type: 'string', help: 'share of samples for early stopping (model.validationFraction)' },
  'test-fraction': { type: 'string', help: 'share of samples held out for the backtest (model.testFraction)' },
  seed: { type: 'string', help: 'random seed for reproducible training (model.seed)' },
  backend: { type: 'string', help: 'force a TensorFlow.js backend: tensorflow, wasm or cpu (default: best available)' },
  'termination-log': { type: 'string', help: 'also write the summary line to this file (default in a Job: /dev/termination-log)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies Record<string, { type: 'string' | 'boolean'; short?: string; help: string }>;

/** Parsed `mur train` flags, as strings exactly as given (validation happens against the spec schema). */
export type TrainFlagValues = { [K in keyof typeof TRAIN_FLAGS]?: (typeof TRAIN_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** Parse argv (without the `train` word); unknown flags and stray arguments are errors naming them. */
export function parseTrainFlags(argv: readonly string[]): TrainFlagValues {
  const options = Object.fromEntries(
    Object.entries(TRAIN_FLAGS).map(([name, flag]) => [name, 'short' in flag ? { type: flag.type, short: flag.short } : { type: flag.type }]),
  );
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  return values as TrainFlagValues;
}

/** The `--help` text. */
export function trainHelp(): string {
  const lines = Object.entries(TRAIN_FLAGS).map(([name, flag]) => {
    const left = `  --${name}${flag.type === 'string' ? ' VALUE' : ''}`;
    return `${left.padEnd(30)}${flag.help}`;
  });
  return [
    'Usage: mur train [flags]',
    '',
    'Fetch candles, train a quantile LSTM, backtest it against naive baselines, export ONNX and write a',
    'versioned artifact (model.onnx, backtest.json, manifest.json).',
    '',
    'Flags:',
    ...lines,
    '',
    'Inside a Kubernetes Job the same settings come from the environment:',
    '  MUR_TRAINING_SPEC             TrainingRun spec as JSON ({"market":{…},"model":{…}}); flags override it',
    '  MUR_ARTIFACT_URI              artifact location (s3://bucket/ns/model/run/ or file://…)',
    '  MUR_EXCHANGE_BASE_URL         exchange REST API base URL override',
    '  MUR_MODEL_VERSION             model version (default: the run name in the URI, else a timestamp)',
    '  MUR_BACKEND                   TensorFlow.js backend to force',
    '  MUR_TERMINATION_MESSAGE_PATH  file for the one-line summary (Kubernetes termination message)',
    '  MUR_STORAGE_ATTEMPTS          attempts per object-storage operation before failing (default 5, ~30 s)',
    '  S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION, S3_CA_FILE   object storage',
    '',
    'Exit codes: 0 success, 2 bad input (unknown symbol, too little history, malformed CSV), 1 other failure.',
  ].join('\n');
}
