import { readFileSync, writeFileSync } from 'node:fs';
import { describeError, isBadInput } from '../../core/errors.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import type { RunSummary } from '../../core/manifest.ts';
import { openArtifactStore } from '../../core/storage/open-artifact-store.ts';
import { createCsvCandleSource, createExchangeCandleSource, type CandleSource } from './candles/index.ts';
import { checkArtifactDestination } from './cli/artifact-destination.ts';
import { noLiveFeedNotice } from './cli/live-feed-notice.ts';
import { parseTrainFlags, type TrainFlagValues } from './cli/options.ts';
import { createProgressReporter } from './cli/progress.ts';
import { formatRunSummary, writeTerminationMessage } from './cli/run-summary.ts';
import { trainHelp } from './cli/settings-reference.ts';
import { logStorageRetry } from './cli/storage-retry-log.ts';
import { buildTrainerConfig, terminationMessagePathOf, type TrainerConfig } from './cli/trainer-config.ts';
import { historyRequirement } from './dataset/index.ts';
import { runTraining } from './pipeline/run-training.ts';
import { createTfjsForecasterTrainer } from './pipeline/tfjs-forecaster-trainer.ts';

/** Exit codes of `mur train` (the operator ⇄ trainer contract). */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

/** The process surroundings `mur train` runs in; injected so tests can run it in-process. */
export interface TrainCommandIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly now?: () => Date;
}

/** Run `mur train`: parse, train, write the artifact and the one-line summary; resolves to the exit code. */
export async function runTrainCommand(io: TrainCommandIo): Promise<number> {
  const now = io.now ?? (() => new Date());
  let flags: TrainFlagValues | undefined;
  let config: TrainerConfig;
  try {
    flags = parseTrainFlags(io.argv);
    if (flags.help) {
      io.stdout.write(`${trainHelp()}\n`);
      return EXIT.ok;
    }
    config = buildTrainerConfig(flags, io.env, now(), io.cwd);
  } catch (error) {
    // Settings are read before the logger exists (LOG_LEVEL is one of them), so mistakes go out as plain words.
    const badInput = flags === undefined || isBadInput(error);
    io.stderr.write(`mur train: ${describeError(error)}\nRun 'mur train --help' for the flags and variables.\n`);
    await finish(io, { ok: false, reason: badInput ? 'BadInput' : 'Failed', error: describeError(error) }, terminationMessagePathOf(io.argv, io.env), undefined);
    return badInput ? EXIT.badInput : EXIT.failure;
  }

  const log = createLogger({ name: 'trainer', level: config.logLevel, destination: 2 });
  let summary: RunSummary;
  let exitCode: number;
  try {
    summary = await trainWithConfig(config, io, log, now);
    exitCode = EXIT.ok;
    if (config.marketFromFileName && config.dataFile) log.warn({ market: config.spec.market }, noLiveFeedNotice(config.spec.market, config.dataFile));
  } catch (error) {
    const badInput = isBadInput(error);
    const message = describeError(error);
    log.error({ err: error }, badInput ? `bad input: ${message}` : `training failed: ${message}`);
    summary = { ok: false, reason: badInput ? 'BadInput' : 'Failed', error: message, artifactUri: config.artifactUri, version: config.version };
    exitCode = badInput ? EXIT.badInput : EXIT.failure;
  }
  await finish(io, summary, config.terminationMessagePath, log);
  return exitCode;
}

/** Print the summary line and copy it to the termination-message file, if there is one. */
async function finish(io: TrainCommandIo, summary: RunSummary, terminationPath: string | undefined, log: Logger | undefined): Promise<void> {
  const line = formatRunSummary(summary);
  io.stdout.write(`${line}\n`);
  if (!terminationPath) return;
  try {
    await writeTerminationMessage(terminationPath, line);
  } catch (error) {
    if (log) log.warn({ err: error, path: terminationPath }, 'could not write the termination message');
    else io.stderr.write(`mur train: could not write the termination message to ${terminationPath}: ${describeError(error)}\n`);
  }
}

async function trainWithConfig(config: TrainerConfig, io: TrainCommandIo, log: Logger, now: () => Date): Promise<RunSummary> {
  const { spec } = config;
  log.info({ market: spec.market, model: spec.model, artifact: config.artifactUri, version: config.version, reason: spec.reason }, 'training run starting');
  const store = openArtifactStore(config.artifactUri, {
    s3: config.s3,
    retry: { attempts: config.storageAttempts, onRetry: logStorageRetry(log, config.artifactUri) },
  });
  await checkArtifactDestination(store, config);
  const source: CandleSource = config.dataFile
    ? createCsvCandleSource({
        path: config.dataFile,
        timeframe: spec.market.timeframe,
        lookback: spec.market.lookback,
        duplicates: config.duplicates,
        minimumCandles: historyRequirement(spec.model),
      })
    : createExchangeCandleSource({ market: spec.market, baseUrl: config.exchangeBaseUrl, log });
  const tty = 'isTTY' in io.stderr && io.stderr.isTTY ? (io.stderr as NodeJS.WriteStream) : undefined;
  return runTraining(
    { spec, version: config.version },
    {
      log,
      source,
      store,
      trainer: createTfjsForecasterTrainer({ log, backend: config.backend }),
      progress: createProgressReporter({ log, tty }),
      now,
      trainerVersion: trainerVersion(),
      ...(config.servedModelUri ? { servedModel: openArtifactStore(config.servedModelUri, { s3: config.s3, retry: { attempts: config.storageAttempts, onRetry: logStorageRetry(log, config.servedModelUri) } }) } : {}),
    },
  );
}

/**
 * Record that the run was stopped by a signal: the summary line goes to the termination-message file
 * (synchronously, as the process is about to exit). Nothing else is written, so no manifest appears.
 */
export function recordTermination(env: Readonly<Record<string, string | undefined>>, signal: string, argv: readonly string[] = []): void {
  const line = formatRunSummary({ ok: false, reason: 'Terminated', error: `training stopped by ${signal} before it finished (deadline or eviction)` });
  process.stdout.write(`${line}\n`);
  const file = terminationMessagePathOf(argv, env);
  if (file) {
    try {
      writeFileSync(file, `${line}\n`);
    } catch {
      // The termination message is best effort; the exit code still reports the failure.
    }
  }
}

/** The trainer's version: its workspace's package version, which image builds stamp. */
export function trainerVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
