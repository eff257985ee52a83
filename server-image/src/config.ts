import { envBoolean, envInteger, envLogLevel, envNumber, envText, type Env } from '../../core/env.ts';
import { BadInputError } from '../../core/errors.ts';
import { deepFreeze } from '../../core/spec.ts';
import { s3ConfigFromEnv, type S3Config } from '../../core/storage/s3-config.ts';

/** The inference service's settings, parsed once from the environment (see server-image/README.md). */
export interface ServerConfig {
  /** `s3://bucket/prefix/` or `file:///abs/dir/` of the artifact to serve. */
  readonly modelUri: string;
  readonly host: string;
  readonly port: number;
  /** Mounted token Secret: one file per token, named after the token. */
  readonly tokenDir: string;
  readonly tokenReloadIntervalMs: number;
  /** Mirror of the exchange's REST API; undefined uses the exchange's public URL. */
  readonly exchangeBaseUrl: string | undefined;
  readonly exchangePollDelayMs: number;
  readonly exchangeTimeoutMs: number;
  readonly ortThreads: number;
  /** undefined when RATE_LIMIT_PER_SECOND is 0 (no limit). */
  readonly rateLimit: { readonly ratePerSecond: number; readonly burst: number } | undefined;
  readonly batching: { readonly enabled: boolean; readonly maxBatchSize: number; readonly maxWaitMs: number };
  readonly maxInferBatch: number;
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
  /** Name of the model on the KServe v2 routes; undefined derives it from the pair (btc-usdt). */
  readonly modelName: string | undefined;
  /** Version the deployer expects at MODEL_URI (the operator sets it); a different manifest version is logged. */
  readonly expectedModelVersion: string | undefined;
  readonly shutdownTimeoutMs: number;
  readonly modelLoadRetryMaxMs: number;
  /** Days before the newest candle whose forecasts the live track record scores (TRACK_RECORD_DAYS). */
  readonly trackRecordDays: number;
  /** Object storage settings (S3_* variables), required for s3:// URIs. */
  readonly s3: S3Config | undefined;
}


/** Parse and freeze the configuration; a missing or malformed variable is a BadInputError naming it. */
export function parseServerConfig(env: Env): Readonly<ServerConfig> {
  const modelUri = envText(env, 'MODEL_URI');
  if (modelUri === undefined) throw new BadInputError('MODEL_URI is required: the s3://bucket/prefix/ or file:///dir/ of the artifact to serve', 'MODEL_URI');
  if (!/^(s3|file):\/\//.test(modelUri)) throw new BadInputError(`MODEL_URI "${modelUri}" must start with s3:// or file://`, 'MODEL_URI');
  const s3 = s3ConfigFromEnv(env);
  if (modelUri.startsWith('s3://') && s3 === undefined) throw new BadInputError('MODEL_URI is an s3:// URI but S3_ENDPOINT is not set', 'S3_ENDPOINT');
  const logLevel = envLogLevel(env);
  const ratePerSecond = envNumber(env, 'RATE_LIMIT_PER_SECOND', 20, { min: 0 });
  const modelName = envText(env, 'MODEL_NAME');
  if (modelName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(modelName)) {
    throw new BadInputError(`MODEL_NAME "${modelName}" must be letters, digits, ".", "_" or "-"`, 'MODEL_NAME');
  }
  return deepFreeze({
    modelUri,
    host: envText(env, 'HOST') ?? '0.0.0.0',
    port: envInteger(env, 'PORT', 8080, { min: 0, max: 65_535 }),
    tokenDir: envText(env, 'TOKEN_DIR') ?? '/var/run/secrets/makeusrich/tokens',
    tokenReloadIntervalMs: envInteger(env, 'TOKEN_RELOAD_INTERVAL_MS', 10_000, { min: 0 }),
    exchangeBaseUrl: envText(env, 'EXCHANGE_BASE_URL'),
    exchangePollDelayMs: envInteger(env, 'EXCHANGE_POLL_DELAY_MS', 2_000, { min: 0 }),
    exchangeTimeoutMs: envInteger(env, 'EXCHANGE_TIMEOUT_MS', 10_000, { min: 1 }),
    ortThreads: envInteger(env, 'ORT_THREADS', 1, { min: 1, max: 256 }),
    rateLimit: ratePerSecond === 0 ? undefined : { ratePerSecond, burst: envInteger(env, 'RATE_LIMIT_BURST', Math.max(1, Math.ceil(ratePerSecond * 2)), { min: 1 }) },
    batching: {
      enabled: envBoolean(env, 'BATCH_ENABLED', true),
      maxBatchSize: envInteger(env, 'BATCH_MAX_SIZE', 64, { min: 1, max: 4096 }),
      maxWaitMs: envNumber(env, 'BATCH_MAX_WAIT_MS', 0, { min: 0, max: 1_000 }),
    },
    maxInferBatch: envInteger(env, 'INFER_MAX_BATCH', 256, { min: 1, max: 65_536 }),
    bodyLimitBytes: envInteger(env, 'BODY_LIMIT_BYTES', 1_048_576, { min: 1_024 }),
    logLevel,
    modelName,
    expectedModelVersion: envText(env, 'MODEL_VERSION'),
    shutdownTimeoutMs: envInteger(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, { min: 1_000, max: 300_000 }),
    modelLoadRetryMaxMs: envInteger(env, 'MODEL_LOAD_RETRY_MAX_MS', 30_000, { min: 100 }),
    trackRecordDays: envInteger(env, 'TRACK_RECORD_DAYS', 30, { min: 1, max: 366 }),
    s3,
  });
}
