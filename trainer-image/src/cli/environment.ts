import { envText, LOG_LEVELS, type Env } from '../../../core/env.ts';
import { DEFAULT_STORAGE_RETRY_POLICY } from '../../../core/storage/retry.ts';
import { S3_ENV_SETTINGS } from '../../../core/storage/s3-config.ts';

/** One environment setting of `mur train`: the names it is read from (the first one set wins), its default and meaning. */
export interface TrainerEnvSetting {
  readonly names: readonly string[];
  readonly default: string;
  readonly meaning: string;
  /** The flag with the same meaning, which wins over the variable. */
  readonly flag?: string;
}

/** The trainer's own variables (the Job contract and logging); object storage has its own in core. */
export const TRAINER_ENV = {
  trainingSpec: {
    names: ['MUR_TRAINING_SPEC'],
    default: '—',
    meaning: 'the TrainingRun spec as JSON ({"market":{…},"model":{…}}); flags override its fields one by one',
  },
  artifactUri: { names: ['MUR_ARTIFACT_URI'], default: 'see `--artifact`', meaning: 'where to write the artifact', flag: 'artifact' },
  modelVersion: { names: ['MUR_MODEL_VERSION'], default: 'see `--version`', meaning: 'model version recorded in the manifest', flag: 'version' },
  exchangeBaseUrl: { names: ['MUR_EXCHANGE_BASE_URL'], default: 'see `--exchange-url`', meaning: 'exchange REST API base URL override', flag: 'exchange-url' },
  backend: { names: ['MUR_BACKEND'], default: 'see `--backend`', meaning: 'TensorFlow.js backend to force', flag: 'backend' },
  terminationMessagePath: {
    names: ['MUR_TERMINATION_MESSAGE_PATH'],
    default: 'see `--termination-log`',
    meaning: 'file for the one-line summary (the Kubernetes termination message)',
    flag: 'termination-log',
  },
  servedModelUri: {
    names: ['MUR_SERVED_MODEL_URI'],
    default: '—',
    meaning: 'artifact of the model being served: the candidate is tested against it (Diebold–Mariano, recorded as currentTest) for BeatCurrent promotion',
  },
  storageAttempts: {
    names: ['MUR_STORAGE_ATTEMPTS'],
    default: String(DEFAULT_STORAGE_RETRY_POLICY.attempts),
    meaning: `attempts per object-storage request before the run fails; waits double from ${DEFAULT_STORAGE_RETRY_POLICY.baseDelayMs / 2000}–${DEFAULT_STORAGE_RETRY_POLICY.baseDelayMs / 1000} s up to ${DEFAULT_STORAGE_RETRY_POLICY.maxDelayMs / 1000} s, each retry logged`,
  },
  logLevel: { names: ['LOG_LEVEL'], default: 'info', meaning: `log level: ${LOG_LEVELS.join(', ')}` },
} as const satisfies Record<string, TrainerEnvSetting>;

/** Every variable `mur train` reads, its own first, then object storage's (from core/storage/s3-config.ts). */
export const TRAINER_ENV_SETTINGS: readonly TrainerEnvSetting[] = [...Object.values(TRAINER_ENV), ...S3_ENV_SETTINGS];

/** The trimmed value of the first of `setting.names` that is set, undefined when none is. */
export function readTrainerEnv(env: Env, setting: TrainerEnvSetting): string | undefined {
  for (const name of setting.names) {
    const value = envText(env, name);
    if (value !== undefined) return value;
  }
  return undefined;
}
