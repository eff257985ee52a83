import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadInputError } from '../../../core/errors.ts';
import { deepFreeze, parseTrainingSpec, type TrainingSpec } from '../../../core/spec.ts';
import type { TrainFlagValues } from './options.ts';

/** Everything one `mur train` run needs, parsed once from flags and the environment, then frozen. */
export interface TrainerConfig {
  readonly spec: Readonly<TrainingSpec>;
  readonly artifactUri: string;
  readonly version: string;
  readonly dataFile: string | undefined;
  readonly exchangeBaseUrl: string | undefined;
  readonly backend: string | undefined;
  readonly terminationMessagePath: string | undefined;
  /** Attempts per object-storage operation before the run fails (MUR_STORAGE_ATTEMPTS). */
  readonly storageAttempts: number | undefined;
}

const NUMERIC_MODEL_FLAGS = {
  window: 'window',
  horizon: 'horizon',
  units: 'units',
  layers: 'layers',
  dropout: 'dropout',
  epochs: 'epochs',
  patience: 'patience',
  'batch-size': 'batchSize',
  'learning-rate': 'learningRate',
  'clip-norm': 'clipNorm',
  'validation-fraction': 'validationFraction',
  'test-fraction': 'testFraction',
  seed: 'seed',
} as const;

/** Build the run configuration: MUR_TRAINING_SPEC (if any) is the base, flags override its fields. */
export function buildTrainerConfig(flags: TrainFlagValues, env: Readonly<Record<string, string | undefined>>, now: Date, cwd: string): TrainerConfig {
  const base = env.MUR_TRAINING_SPEC ? parseSpecJson(env.MUR_TRAINING_SPEC) : {};
  const market: Record<string, unknown> = { ...(base.market as object | undefined) };
  const model: Record<string, unknown> = { ...(base.model as object | undefined) };

  if (flags.exchange !== undefined) market.exchange = flags.exchange;
  if (flags.symbol !== undefined) market.symbol = flags.symbol;
  if (flags.timeframe !== undefined) market.timeframe = flags.timeframe;
  if (flags.lookback !== undefined) market.lookback = toNumber(flags.lookback, '--lookback');
  if (flags.data !== undefined) {
    // A CSV needs no exchange or symbol, but the manifest still records a market; name it after the file.
    market.exchange ??= 'csv';
    market.symbol ??= symbolFromFileName(flags.data);
    market.lookback ??= 200_000;
  }
  for (const [flag, field] of Object.entries(NUMERIC_MODEL_FLAGS)) {
    const value = flags[flag as keyof typeof NUMERIC_MODEL_FLAGS];
    if (value !== undefined) model[field] = toNumber(value, `--${flag}`);
  }
  if (flags.quantiles !== undefined) {
    model.quantiles = flags.quantiles.split(',').map((part) => toNumber(part.trim(), '--quantiles'));
  }

  const spec = parseTrainingSpec({ ...base, market, model }, 'spec');
  const version = flags.version ?? env.MUR_MODEL_VERSION ?? defaultVersion(env.MUR_ARTIFACT_URI ?? flags.artifact, now);
  const artifactUri = normaliseArtifactUri(flags.artifact ?? env.MUR_ARTIFACT_URI ?? defaultArtifactDir(spec, version, cwd), cwd);
  return deepFreeze({
    spec,
    artifactUri,
    version,
    dataFile: flags.data === undefined ? undefined : path.resolve(cwd, flags.data),
    exchangeBaseUrl: flags['exchange-url'] ?? env.MUR_EXCHANGE_BASE_URL ?? undefined,
    backend: flags.backend ?? env.MUR_BACKEND ?? undefined,
    terminationMessagePath: flags['termination-log'] ?? env.MUR_TERMINATION_MESSAGE_PATH ?? undefined,
    storageAttempts: env.MUR_STORAGE_ATTEMPTS === undefined ? undefined : positiveInteger(env.MUR_STORAGE_ATTEMPTS, 'MUR_STORAGE_ATTEMPTS'),
  });
}

function parseSpecJson(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch (cause) {
    throw new BadInputError(`MUR_TRAINING_SPEC is not valid JSON: ${(cause as Error).message}`, 'MUR_TRAINING_SPEC', { cause });
  }
  throw new BadInputError('MUR_TRAINING_SPEC must be a JSON object with "market" and "model"', 'MUR_TRAINING_SPEC');
}

function toNumber(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new BadInputError(`${flag}: "${text}" is not a number`, flag);
  return value;
}

function positiveInteger(text: string, name: string): number {
  const value = toNumber(text, name);
  if (!Number.isInteger(value) || value < 1) throw new BadInputError(`${name}: "${text}" must be a positive integer`, name);
  return value;
}

function symbolFromFileName(file: string): string {
  // Binance dumps are named like ETHUSDT-1h-…; fall back to a neutral name the schema accepts.
  const match = /^([A-Z0-9]+?)(USDT|USDC|BUSD|USD|EUR|BTC|ETH)\b/.exec(path.basename(file).toUpperCase());
  return match ? `${match[1]}/${match[2]}` : 'CSV/DATA';
}

function defaultVersion(artifactUri: string | undefined, now: Date): string {
  // In a Job the URI ends with the TrainingRun name: that name is the model version.
  const runName = artifactUri?.replace(/\/+$/, '').split('/').pop();
  if (runName && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(runName)) return runName;
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').toLowerCase();
}

function defaultArtifactDir(spec: TrainingSpec, version: string, cwd: string): string {
  const pair = spec.market.symbol.replace('/', '-').toLowerCase();
  return path.join(cwd, 'artifacts', spec.market.exchange, `${pair}-${spec.market.timeframe}`, version);
}

function normaliseArtifactUri(uri: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri.endsWith('/') ? uri : `${uri}/`;
  const href = pathToFileURL(path.resolve(cwd, uri)).href;
  return href.endsWith('/') ? href : `${href}/`;
}
