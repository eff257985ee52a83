import ccxt from 'ccxt';
import { SILENT_LOG, type ExchangeLog } from './log.ts';

/** How a temporary exchange failure is retried: total attempts, backoff bounds and the (injectable) sleep. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Five tries over roughly fifteen seconds: enough to ride out a 429 burst or a short outage. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
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

/** Options of {@link withRetry}. */
export interface WithRetryOptions {
  readonly policy: RetryPolicy;
  readonly log?: ExchangeLog;
  /** The server's requested wait for a failed attempt, when it named one (rate limits). */
  readonly requestedDelayMs?: (error: unknown) => number | undefined;
}

/** Delay before retry number `retry` (1-based): exponential, never below what the server asked, capped. */
export function backoffDelayMs(policy: RetryPolicy, retry: number, requestedMs?: number): number {
  const exponential = policy.baseDelayMs * 2 ** (retry - 1);
  return Math.min(policy.maxDelayMs, Math.max(exponential, requestedMs ?? 0));
}

/**
 * Run `operation`, retrying temporary exchange failures with exponential backoff.
 * Permanent failures (bad symbol, bad request) are rethrown at once; when the attempts run out the last
 * error is wrapped with `what` and the number of attempts as context.
 */
export async function withRetry<T>(what: string, operation: () => Promise<T>, options: WithRetryOptions): Promise<T> {
  const { policy, log = SILENT_LOG } = options;
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTemporaryExchangeError(error)) throw error;
      if (attempt >= attempts) {
        throw new Error(`${what}: still failing after ${attempts} attempt${attempts === 1 ? '' : 's'}`, { cause: error });
      }
      const requested = isRateLimitError(error) ? options.requestedDelayMs?.(error) : undefined;
      const delayMs = backoffDelayMs(policy, attempt, requested);
      log.warn({ attempt, attempts, delayMs, error: (error as Error).message }, `${what} failed, retrying`);
      await policy.sleep(delayMs);
    }
  }
}
