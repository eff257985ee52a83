import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadInputError } from '../../../core/errors.ts';
import { envInteger, envLogLevel } from '../../../core/env.ts';
import { deepFreeze, parseTrainingSpec, type TrainingSpec } from '../../../core/spec.ts';
import { DEFAULT_STORAGE_RETRY_POLICY } from '../../../core/storage/retry.ts';
import { s3ConfigFromEnv, type S3Config } from '../../../core/storage/s3-config.ts';
import { BACKEND_NAMES, isBackendName, type BackendName } from '../model/backend.ts';
import { readTrainerEnv, TRAINER_ENV } from './environment.ts';
import { DUPLICATE_POLICIES, MAX_LOOKBACK, parseTrainFlags, type DuplicatePolicy, type TrainFlagValues } from './options.ts';

/** Everything one `mur train` run needs, parsed once from flags and the environment, then frozen. */
export interface TrainerConfig {
  readonly spec: Readonly<TrainingSpec>;
  readonly artifactUri: string;
  /** Where the artifact location came from, so a refusal can say which setting to change. */
  readonly artifactFrom: 'flag' | 'env' | 'default';
  readonly version: string;
  readonly dataFile: string | undefined;
  /** How the CSV file's repeated timestamps are treated. */
  readonly duplicates: DuplicatePolicy;
  /**
   * True when the market was not given but made up for a CSV run (exchange `csv`, symbol from the file
   * name): such an artifact serves forecasts for posted candles only, never a live feed.
   */
  readonly marketFromFileName: boolean;
  readonly exchangeBaseUrl: string | undefined;
  /** Object storage settings, read when the artifact goes to (or the served model comes from) an s3:// URI. */
  readonly s3: S3Config | undefined;
  /** Artifact of the model being served, to test the candidate against (MUR_SERVED_MODEL_URI). */
  readonly servedModelUri: string | undefined;
  readonly backend: BackendName | undefined;
  readonly terminationMessagePath: string | undefined;
  /** Attempts per object-storage operation before the run fails (MUR_STORAGE_ATTEMPTS). */
  readonly storageAttempts: number;
  /** pino level of the run's log (LOG_LEVEL). */
  readonly logLevel: string;
}

/** The exchange id recorded for a CSV run that names no market: not a ccxt id, so no live feed can start. */
export const CSV_EXCHANGE = 'csv';

/** The symbol recorded for such a run when the file name does not start with a Binance pair (ETHUSDT-…). */
export const UNKNOWN_CSV_SYMBOL = 'CSV/DATA';

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
  const specJson = readTrainerEnv(env, TRAINER_ENV.trainingSpec);
  const base = specJson === undefined ? {} : parseSpecJson(specJson);
  const market: Record<string, unknown> = { ...(base.market as object | undefined) };
  const model: Record<string, unknown> = { ...(base.model as object | undefined) };

  if (flags.exchange !== undefined) market.exchange = flags.exchange;
  if (flags.symbol !== undefined) market.symbol = flags.symbol;
  if (flags.timeframe !== undefined) market.timeframe = flags.timeframe;
  if (flags.lookback !== undefined) market.lookback = toNumber(flags.lookback, '--lookback');
  requireMarket(market, flags, specJson !== undefined);
  const marketFromFileName = flags.data !== undefined && market.exchange === undefined;
  if (flags.data !== undefined) {
    // The manifest needs a market; without one given, record a neutral exchange no live feed can use.
    market.exchange ??= CSV_EXCHANGE;
    market.symbol ??= symbolFromFileName(flags.data);
    // The whole file: the spec's bound is the most a run may train on.
    market.lookback ??= MAX_LOOKBACK;
  }
  for (const [flag, field] of Object.entries(NUMERIC_MODEL_FLAGS)) {
    const value = flags[flag as keyof typeof NUMERIC_MODEL_FLAGS];
    if (value !== undefined) model[field] = toNumber(value, `--${flag}`);
  }
  if (flags.quantiles !== undefined) {
    model.quantiles = flags.quantiles.split(',').map((part) => toNumber(part.trim(), '--quantiles'));
  }

  const spec = parseTrainingSpec({ ...base, market, model }, 'spec');
  const artifactEnv = readTrainerEnv(env, TRAINER_ENV.artifactUri);
  const version = flags.version ?? readTrainerEnv(env, TRAINER_ENV.modelVersion) ?? defaultVersion(artifactEnv ?? flags.artifact, now);
  const artifactFrom = flags.artifact !== undefined ? 'flag' : artifactEnv !== undefined ? 'env' : 'default';
  const artifactUri = normaliseArtifactUri(flags.artifact ?? artifactEnv ?? defaultArtifactDir(spec, version, cwd), cwd);
  const servedModelEnv = readTrainerEnv(env, TRAINER_ENV.servedModelUri);
  const servedModelUri = servedModelEnv === undefined ? undefined : normaliseArtifactUri(servedModelEnv, cwd);
  return deepFreeze({
    spec,
    artifactUri,
    artifactFrom,
    version,
    dataFile: flags.data === undefined ? undefined : path.resolve(cwd, flags.data),
    duplicates: duplicatePolicy(flags),
    marketFromFileName,
    exchangeBaseUrl: flags['exchange-url'] ?? readTrainerEnv(env, TRAINER_ENV.exchangeBaseUrl),
    s3: artifactUri.startsWith('s3://') || servedModelUri?.startsWith('s3://') ? s3ConfigFromEnv(env) : undefined,
    servedModelUri,
    backend: backendName(flags.backend ?? readTrainerEnv(env, TRAINER_ENV.backend), flags.backend === undefined ? TRAINER_ENV.backend.names[0] : '--backend'),
    terminationMessagePath: flags['termination-log'] ?? readTrainerEnv(env, TRAINER_ENV.terminationMessagePath),
    storageAttempts: envInteger(env, TRAINER_ENV.storageAttempts.names[0], DEFAULT_STORAGE_RETRY_POLICY.attempts, { min: 1, max: 100 }),
    logLevel: envLogLevel(env, TRAINER_ENV.logLevel.default, TRAINER_ENV.logLevel.names[0]),
  });
}

/**
 * Say which flags are missing before the schema would say `spec.market.exchange: is required`: a person
 * at a terminal gives flags, not a spec. With MUR_TRAINING_SPEC the schema's field names are the right ones.
 */
function requireMarket(market: Record<string, unknown>, flags: TrainFlagValues, fromSpec: boolean): void {
  if (fromSpec) return;
  const hasExchange = market.exchange !== undefined;
  const hasSymbol = market.symbol !== undefined;
  if (flags.data !== undefined) {
    if (hasExchange !== hasSymbol) {
      const [given, missing] = hasExchange ? ['--exchange', '--symbol'] : ['--symbol', '--exchange'];
      throw new BadInputError(`${missing} is required with ${given} and --data: give both to record the market the model will serve, or neither`, missing);
    }
    return;
  }
  if (!hasExchange && !hasSymbol) {
    throw new BadInputError('no market given: pass --exchange and --symbol (e.g. --exchange binance --symbol BTC/USDT), or --data FILE to train from a CSV file', '--exchange');
  }
  if (!hasExchange) throw new BadInputError('--exchange is required with --symbol (a ccxt exchange id, e.g. binance), or pass --data FILE', '--exchange');
  if (!hasSymbol) throw new BadInputError('--symbol is required with --exchange (BASE/QUOTE, e.g. BTC/USDT)', '--symbol');
}

function duplicatePolicy(flags: TrainFlagValues): DuplicatePolicy {
  const value = flags.duplicates;
  if (value === undefined) return DUPLICATE_POLICIES[0];
  if (flags.data === undefined) throw new BadInputError('--duplicates applies to a CSV file only: add --data FILE or drop it', '--duplicates');
  const policy = DUPLICATE_POLICIES.find((known) => known === value);
  if (policy === undefined) throw new BadInputError(`--duplicates "${value}" must be one of ${DUPLICATE_POLICIES.join(', ')}`, '--duplicates');
  return policy;
}

function backendName(value: string | undefined, source: string): BackendName | undefined {
  if (value === undefined || isBackendName(value)) return value;
  throw new BadInputError(`${source} "${value}" must be one of ${BACKEND_NAMES.join(', ')}`, source);
}

/**
 * Where the summary line goes (`--termination-log`, else MUR_TERMINATION_MESSAGE_PATH), found without a
 * full config: a run stopped by a signal or by a settings mistake still reports there.
 */
export function terminationMessagePathOf(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  let flag: string | undefined;
  try {
    flag = parseTrainFlags(argv)['termination-log'];
  } catch {
    // Unparseable flags are reported elsewhere; the variable still names the file.
  }
  return flag ?? readTrainerEnv(env, TRAINER_ENV.terminationMessagePath);
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

function symbolFromFileName(file: string): string {
  // Binance dumps are named like ETHUSDT-1h-…; fall back to a neutral name the schema accepts.
  const match = /^([A-Z0-9]+?)(USDT|USDC|BUSD|USD|EUR|BTC|ETH)\b/.exec(path.basename(file).toUpperCase());
  return match ? `${match[1]}/${match[2]}` : UNKNOWN_CSV_SYMBOL;
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
