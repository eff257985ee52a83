/** Exponential backoff bounds, shared by every retry loop: the first wait, its cap, and optional jitter. */
export interface Backoff {
  /** Delay before the first retry; doubles for every further retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any single delay. */
  readonly maxDelayMs: number;
  /** Uniform random number in [0, 1) for jitter; without it delays are deterministic. */
  readonly random?: (() => number) | undefined;
}

/** How temporary failures are retried: attempts, backoff bounds, and injectable sleep and randomness. */
export interface RetryPolicy extends Backoff {
  /** Total attempts including the first one. */
  readonly attempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called before each wait, so the caller can log the retry. */
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** What {@link RetryPolicy.onRetry} is told about a failed attempt. */
export interface RetryEvent {
  readonly attempt: number;
  readonly attempts: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/** What makes a failure worth repeating, and how long the other side asked us to wait. */
export interface RetryRules {
  readonly isTemporary: (error: unknown) => boolean;
  /** A wait the server requested for this failure (e.g. Retry-After on a 429), if any. */
  readonly requestedDelayMs?: ((error: unknown) => number | undefined) | undefined;
}

/** Sleep with setTimeout: the production `RetryPolicy.sleep`. */
export function sleepMs(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/**
 * Wait before retry number `retry` (1-based): exponential from the base delay and capped; with `random`,
 * "equal jitter" (half fixed, half random) so clients restarted together do not retry in lockstep; never
 * shorter than a wait the server asked for, and never longer than the cap.
 */
export function backoffDelayMs(backoff: Backoff, retry: number, requestedMs?: number): number {
  const exponential = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (retry - 1));
  const jittered = backoff.random ? Math.round(exponential / 2 + (exponential / 2) * backoff.random()) : exponential;
  return Math.min(backoff.maxDelayMs, Math.max(jittered, requestedMs ?? 0));
}

/** Raised when every attempt failed with a temporary error; `cause` is the last failure. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  readonly attempts: number;

  constructor(message: string, attempts: number, options?: ErrorOptions) {
    super(message, options);
    this.attempts = attempts;
  }
}

/**
 * Run `operation` until it succeeds, fails permanently (rethrown at once) or the attempts run out; then
 * throws RetriesExhaustedError carrying the last error as its cause.
 */
export async function withRetry<T>(operation: () => Promise<T>, rules: RetryRules, policy: RetryPolicy): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!rules.isTemporary(error)) throw error;
      if (attempt >= attempts) throw new RetriesExhaustedError(`failed after ${attempts} attempt${attempts === 1 ? '' : 's'}`, attempts, { cause: error });
      const delayMs = backoffDelayMs(policy, attempt, rules.requestedDelayMs?.(error));
      policy.onRetry?.({ attempt, attempts, delayMs, error });
      await policy.sleep(delayMs);
    }
  }
}
