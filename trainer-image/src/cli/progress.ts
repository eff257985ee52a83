import type { Logger } from '../../../core/logger.ts';

/** What the trainer reports after each epoch. */
export interface EpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly valLoss: number;
  readonly seconds: number;
}

/** Receives per-epoch progress; `finish` ends the display. */
export interface ProgressReporter {
  epoch(progress: EpochProgress): void;
  finish(): void;
}

/** Options for createProgressReporter. */
export interface ProgressReporterOptions {
  readonly log: Logger;
  /** A terminal to draw a one-line progress display on; without one, progress goes to the JSON log. */
  readonly tty?: NodeJS.WriteStream | undefined;
}

/** A progress display on a TTY (bar, loss, val loss, ETA), pino JSON lines otherwise. */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  let elapsed = 0;
  let drawn = false;
  return {
    epoch(progress) {
      elapsed += progress.seconds;
      const etaSeconds = (elapsed / progress.epoch) * (progress.epochs - progress.epoch);
      if (options.tty) {
        options.tty.write(`\r${renderProgressLine(progress, etaSeconds, options.tty.columns ?? 100)}`);
        drawn = true;
      } else {
        options.log.info({ ...progress, etaSeconds: Math.round(etaSeconds) }, 'epoch finished');
      }
    },
    finish() {
      if (drawn) options.tty?.write('\n');
      drawn = false;
    },
  };
}

/** The single progress line drawn on a terminal. */
export function renderProgressLine(progress: EpochProgress, etaSeconds: number, columns: number): string {
  const text = ` epoch ${progress.epoch}/${progress.epochs}  loss ${progress.loss.toFixed(4)}  val ${progress.valLoss.toFixed(4)}  ${progress.seconds.toFixed(1)}s/epoch  ETA ${formatDuration(etaSeconds)}`;
  const barWidth = Math.max(10, Math.min(30, columns - text.length - 4));
  const filled = Math.round((progress.epoch / progress.epochs) * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${text}`;
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
