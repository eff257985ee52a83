import ccxt from 'ccxt';
import { RetriesExhaustedError, sleepMs, withRetry, type RetryPolicy } from '../retry.ts';
import { SILENT_LOG, type ExchangeLog } from './log.ts';

/** Five tries over roughly fifteen seconds: enough to ride out a 429 burst or a short outage. */
export const DEFAULT_EXCHANGE_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  sleep: sleepMs,
});

/**
 * True for failures that may succeed when repeated: ccxt's OperationFailed family covers network errors,
 * timeouts, 429/418 rate limits, 5xx / maintenance replies and Binance's "unknown error, try again" codes.
 */
export function isTemporaryExchangeError(error: unknown): boolean {
  return error instanceof ccxt.OperationFailed;
}

/** True when the exchange asked the client to slow down (HTTP 429/418 or a rate-limit error code). */
export function isRateLimitError(error: unknown): boolean {
  return error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded;
}

/** Milliseconds requested by a `Retry-After` header given in seconds, if there is a usable one. */
export function retryAfterMs(headers: Readonly<Record<string, string>> | undefined): number | undefined {
  const value = headers?.['Retry-After'] ?? headers?.['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1_000 : undefined;
}

/** Options of {@link withExchangeRetry}. */
export interface ExchangeRetryOptions {
  readonly policy: RetryPolicy;
  readonly log?: ExchangeLog;
  /** The server's requested wait for a failed attempt, when it named one (rate limits). */
  readonly requestedDelayMs?: (error: unknown) => number | undefined;
}

/**
 * Run `operation`, retrying temporary exchange failures with exponential backoff (never shorter than a
 * rate limit's Retry-After). Permanent failures (bad symbol, bad request) are rethrown at once; when the
 * attempts run out the last error is wrapped with `what` and the number of attempts as context.
 */
export async function withExchangeRetry<T>(what: string, operation: () => Promise<T>, options: ExchangeRetryOptions): Promise<T> {
  const { log = SILENT_LOG } = options;
  const policy: RetryPolicy = {
    ...options.policy,
    onRetry: ({ attempt, attempts, delayMs, error }) => log.warn({ attempt, attempts, delayMs, error: (error as Error).message }, `${what} failed, retrying`),
  };
  try {
    return await withRetry(operation, { isTemporary: isTemporaryExchangeError, requestedDelayMs: (error) => (isRateLimitError(error) ? options.requestedDelayMs?.(error) : undefined) }, policy);
  } catch (error) {
    if (!(error instanceof RetriesExhaustedError)) throw error;
    throw new Error(`${what}: still failing after ${error.attempts} attempt${error.attempts === 1 ? '' : 's'}`, { cause: error.cause });
  }
}
