import { sleepMs, type RetryPolicy } from '../retry.ts';

/** Five attempts with waits of 1–2, 2–4, 4–8 and 8–16 s: rides out a storage restart of up to ~30 s. */
export const DEFAULT_STORAGE_RETRY_POLICY: RetryPolicy = Object.freeze({
  attempts: 5,
  baseDelayMs: 2_000,
  maxDelayMs: 16_000,
  sleep: sleepMs,
  random: Math.random,
});

/** The object-storage default policy with `overrides` applied. */
export function storageRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_STORAGE_RETRY_POLICY, ...overrides };
}
