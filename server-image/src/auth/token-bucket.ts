import type { Clock } from '../../../core/clock.ts';

/** Options of {@link createTokenBucketLimiter}. */
export interface TokenBucketOptions {
  /** Sustained requests per second each key may make. */
  readonly ratePerSecond: number;
  /** Requests a key may make in a burst after being idle (the bucket's size). */
  readonly burst: number;
  readonly clock: Clock;
}

/** Outcome of one {@link RateLimiter.take}. */
export interface RateDecision {
  readonly allowed: boolean;
  /** Requests still available right now. */
  readonly remaining: number;
  /** When refused: whole seconds until one request is available again (at least 1). */
  readonly retryAfterSeconds: number;
}

/** A per-key rate limiter. */
export interface RateLimiter {
  /** Spend one request for `key`, or refuse when its bucket is empty. */
  take(key: string): RateDecision;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token-bucket limiter: each key's bucket holds up to `burst` requests and refills at `ratePerSecond`.
 * Keys are API token names, so the map stays as small as the token Secret.
 */
export function createTokenBucketLimiter(options: TokenBucketOptions): RateLimiter {
  const { ratePerSecond, burst, clock } = options;
  if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`ratePerSecond must be a positive number, got ${ratePerSecond}`);
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`burst must be at least 1, got ${burst}`);
  const perMs = ratePerSecond / 1000;
  const buckets = new Map<string, Bucket>();

  return {
    take(key) {
      const now = clock.now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = { tokens: burst, updatedAt: now };
        buckets.set(key, bucket);
      } else {
        // A clock that steps backwards must not drain the bucket.
        const elapsed = Math.max(0, now - bucket.updatedAt);
        bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perMs);
        bucket.updatedAt = now;
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
      }
      const waitMs = (1 - bucket.tokens) / perMs;
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
  };
}
