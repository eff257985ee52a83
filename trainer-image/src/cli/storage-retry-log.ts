import { describeError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import type { RetryEvent } from '../../../core/retry.ts';

/**
 * A RetryPolicy.onRetry that logs each failed object-storage attempt (attempt n of N, the error, the next
 * wait), so a run waiting on unreachable storage says so instead of staying silent until it gives up.
 */
export function logStorageRetry(log: Pick<Logger, 'warn'>, target: string): (event: RetryEvent) => void {
  return function onStorageRetry(event) {
    const error = describeError(event.error);
    const seconds = (event.delayMs / 1000).toFixed(1);
    log.warn(
      { attempt: event.attempt, attempts: event.attempts, delayMs: event.delayMs, target, error },
      `object storage attempt ${event.attempt} of ${event.attempts} failed (${error}); retrying in ${seconds} s`,
    );
  };
}
