import Type, { type Static, type TLiteral, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { BadInputError } from './errors.ts';
import { TIMEFRAMES, type Timeframe } from './timeframe.ts';

/** Where the candles come from: a ccxt exchange id, a BASE/QUOTE symbol, a timeframe and how many candles. */
export const MarketSpecSchema = Type.Object(
  {
    exchange: Type.String({ pattern: '^[a-z][a-z0-9]*$', maxLength: 64, description: 'ccxt exchange id, e.g. binance' }),
    symbol: Type.String({ pattern: '^[A-Z0-9]{1,20}/[A-Z0-9]{1,20}$', maxLength: 41, description: 'market symbol as BASE/QUOTE, e.g. BTC/USDT' }),
    timeframe: Type.Union(TIMEFRAMES.map((t) => Type.Literal(t)) as TLiteral<Timeframe>[], { default: '1h', description: 'candle timeframe' }),
    lookback: Type.Integer({ minimum: 200, maximum: 200_000, default: 8760, description: 'number of most recent closed candles to train on' }),
  },
  { additionalProperties: false },
);

/** The forecaster's shape and training settings. */
export const ModelSpecSchema = Type.Object(
  {
    window: Type.Integer({ minimum: 8, maximum: 512, default: 72, description: 'candles of history per forecast' }),
    horizon: Type.Integer({ minimum: 1, maximum: 168, default: 24, description: 'future candles forecast at once' }),
    units: Type.Integer({ minimum: 4, maximum: 512, default: 64, description: 'LSTM units per layer' }),
    layers: Type.Integer({ minimum: 1, maximum: 4, default: 1, description: 'stacked LSTM layers' }),
    dropout: Type.Number({ minimum: 0, maximum: 0.9, default: 0.1, description: 'dropout on LSTM outputs during training' }),
    epochs: Type.Integer({ minimum: 1, maximum: 1000, default: 30, description: 'maximum training epochs' }),
    patience: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'epochs without validation improvement before stopping early' }),
    batchSize: Type.Integer({ minimum: 8, maximum: 4096, default: 64, description: 'training batch size' }),
    learningRate: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.001, description: 'Adam learning rate' }),
    clipNorm: Type.Number({ exclusiveMinimum: 0, maximum: 100, default: 1, description: 'gradient clipping by global norm' }),
    quantiles: Type.Array(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }), {
      minItems: 1,
      maxItems: 9,
      default: [0.1, 0.5, 0.9],
      description: 'forecast quantiles, each in (0, 1), strictly increasing; must include 0.5',
      // One ordered value, replaced whole by server-side apply. The rules repeat checkQuantiles so the
      // API server refuses what the trainer would; maxItems bounds their cost.
      'x-kubernetes-list-type': 'atomic',
      'x-kubernetes-validations': [
        { rule: 'self.isSorted() && self.all(q, self.indexOf(q) == self.lastIndexOf(q))', message: 'quantiles must be strictly increasing, e.g. [0.1, 0.5, 0.9]' },
        { rule: '0.5 in self', message: 'quantiles must include the median 0.5' },
      ],
    }),
    validationFraction: Type.Number({ minimum: 0.05, maximum: 0.4, default: 0.15, description: 'share of samples for early stopping' }),
    testFraction: Type.Number({ minimum: 0.05, maximum: 0.4, default: 0.15, description: 'share of samples held out for the backtest' }),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'random seed for reproducible training' })),
  },
  { additionalProperties: false },
);

/** Why a training run was started. */
export const TRAINING_REASONS = ['Initial', 'SpecChanged', 'Scheduled', 'Drift', 'Manual'] as const;

/** One of TRAINING_REASONS. */
export type TrainingReason = (typeof TRAINING_REASONS)[number];

/** The TrainingRun spec: an immutable snapshot of market and model settings (MUR_TRAINING_SPEC). */
export const TrainingSpecSchema = Type.Object(
  {
    forecastModel: Type.Optional(Type.String({ maxLength: 253, description: 'owning ForecastModel (same namespace)' })),
    reason: Type.Optional(Type.Union(TRAINING_REASONS.map((r) => Type.Literal(r)) as TLiteral<TrainingReason>[], { description: 'why this run exists' })),
    market: MarketSpecSchema,
    model: Type.Optional(ModelSpecSchema),
  },
  { additionalProperties: false },
);

/** Market settings as validated. */
export type MarketSpec = Static<typeof MarketSpecSchema>;
/** Model settings as validated, with defaults applied. */
export type ModelSpec = Static<typeof ModelSpecSchema>;
/** Training spec with defaults applied; `model` is always present after parsing. */
export type TrainingSpec = Omit<Static<typeof TrainingSpecSchema>, 'model'> & { model: ModelSpec };

/** Validate and default a training spec; throws BadInputError naming the first offending field. */
export function parseTrainingSpec(input: unknown, source = 'spec'): Readonly<TrainingSpec> {
  const candidate = Value.Clone(input ?? {}) as Record<string, unknown>;
  if (typeof candidate === 'object' && candidate !== null && candidate.model === undefined) candidate.model = {};
  const withDefaults = Value.Default(TrainingSpecSchema, candidate);
  const problem = firstProblem(TrainingSpecSchema, withDefaults, source);
  if (problem) throw new BadInputError(`${problem.field}: ${problem.message}`, problem.field);
  const spec = withDefaults as TrainingSpec;
  checkQuantiles(spec.model.quantiles, `${source}.model.quantiles`);
  return deepFreeze(spec);
}

function checkQuantiles(quantiles: readonly number[], field: string): void {
  for (let i = 1; i < quantiles.length; i++) {
    if (!(quantiles[i]! > quantiles[i - 1]!)) throw new BadInputError(`${field}: must be strictly increasing`, field);
  }
  if (!quantiles.includes(0.5)) throw new BadInputError(`${field}: must include the median 0.5`, field);
}

/** The first schema violation of `value`, as a dotted field name under `source` and a readable message. */
export function firstProblem(schema: TSchema, value: unknown, source: string): { field: string; message: string } | undefined {
  // "schema is false" duplicates the clearer additionalProperties error for the same field.
  const error = [...Value.Errors(schema, value)].find((e) => e.keyword !== 'boolean');
  if (!error) return undefined;
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  const params = (error.params ?? {}) as { additionalProperties?: string[]; requiredProperties?: string[] };
  const named = params.additionalProperties?.[0] ?? params.requiredProperties?.[0];
  const field = [source, path, named].filter(Boolean).join('.');
  if (params.additionalProperties) return { field, message: 'is not a known field' };
  if (params.requiredProperties) return { field, message: 'is required' };
  return { field, message: error.message };
}

/** Freeze an object graph so configuration cannot be mutated after parsing. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
