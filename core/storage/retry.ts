/** How temporary storage failures are retried: attempts, backoff bounds, and injectable sleep and randomness. */
export interface RetryPolicy {
  /** Total attempts including the first one. */
  readonly attempts: number;
  /** Delay before the first retry; doubles for every further retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any single delay. */
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform random number in [0, 1), used for jitter. */
  readonly random: () => number;
  /** Called before each wait, so the caller can log the retry. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** What {@link RetryPolicy.onRetry} is told about a failed attempt. */
export interface RetryEvent {
  readonly attempt: number;
  readonly attempts: number;
  readonly delayMs: number;
  readonly error: unknown;
}

/** Five attempts with waits of 1–2, 2–4, 4–8 and 8–16 s: rides out a storage restart of up to ~30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 16_000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
});

/** The default policy with `overrides` applied. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/**
 * Wait before retry number `retry` (1-based): exponential, capped, with "equal jitter" — half of the delay
 * is fixed and half random — so that many clients restarted together do not retry in lockstep.
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential / 2 + (exponential / 2) * policy.random());
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
 * Run `operation` until it succeeds, fails permanently (`isTemporary` false: rethrown at once) or the
 * attempts run out; then throws RetriesExhaustedError carrying the last error as its cause.
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  isTemporary: (error: unknown) => boolean,
  policy: RetryPolicy,
): Promise<T> {
  const attempts = Math.max(1, Math.floor(policy.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isTemporary(error)) throw error;
      if (attempt >= attempts) throw new RetriesExhaustedError(`failed after ${attempts} attempts`, attempts, { cause: error });
      const delayMs = backoffDelayMs(policy, attempt);
      policy.onRetry?.({ attempt, attempts, delayMs, error });
      await policy.sleep(delayMs);
    }
  }
}
