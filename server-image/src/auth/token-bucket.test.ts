import { describe, expect, it } from 'vitest';
import { createTokenBucketLimiter } from './token-bucket.ts';

function clockAt(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createTokenBucketLimiter', () => {
  it('allows a burst, then refuses with the whole seconds until the next request', () => {
    const clock = clockAt(1_000);
    const limiter = createTokenBucketLimiter({ ratePerSecond: 0.5, burst: 3, clock });
    expect([1, 2, 3].map(() => limiter.take('alice').allowed)).toEqual([true, true, true]);
    // Empty bucket, refilling at 0.5/s: one request is 2 s away.
    expect(limiter.take('alice')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 2 });
    clock.advance(1_500);
    // 0.75 of a request after 1.5 s: 0.5 s to go, rounded up to 1.
    expect(limiter.take('alice')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    clock.advance(500);
    expect(limiter.take('alice').allowed).toBe(true);
  });

  it('keeps one bucket per key', () => {
    const limiter = createTokenBucketLimiter({ ratePerSecond: 1, burst: 1, clock: clockAt(0) });
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
    expect(limiter.take('bob').allowed).toBe(true);
  });

  it('never holds more than the burst however long a key was idle', () => {
    const clock = clockAt(0);
    const limiter = createTokenBucketLimiter({ ratePerSecond: 10, burst: 2, clock });
    limiter.take('alice');
    clock.advance(3_600_000);
    expect(limiter.take('alice').remaining).toBe(1);
    expect(limiter.take('alice').remaining).toBe(0);
    expect(limiter.take('alice').allowed).toBe(false);
  });

  it('does not drain a bucket when the clock steps backwards', () => {
    const clock = clockAt(10_000);
    const limiter = createTokenBucketLimiter({ ratePerSecond: 1, burst: 2, clock });
    limiter.take('alice');
    clock.advance(-5_000);
    expect(limiter.take('alice').allowed).toBe(true);
  });

  it('refuses nonsensical settings', () => {
    expect(() => createTokenBucketLimiter({ ratePerSecond: 0, burst: 1, clock: clockAt(0) })).toThrow(/ratePerSecond/);
    expect(() => createTokenBucketLimiter({ ratePerSecond: 1, burst: 0.5, clock: clockAt(0) })).toThrow(/burst/);
  });
});
