import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, type RetryPolicy } from '../retry.ts';
import { DEFAULT_EXCHANGE_RETRY_POLICY, retryAfterMs, withExchangeRetry as withRetry } from './retry.ts';

function recordingPolicy(overrides: Partial<RetryPolicy> = {}): { policy: RetryPolicy; sleeps: number[] } {
  const sleeps: number[] = [];
  const policy: RetryPolicy = {
    ...DEFAULT_EXCHANGE_RETRY_POLICY,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  };
  return { policy, sleeps };
}

/** An operation that throws the given errors in turn, then returns "ok". */
function failingThen(errors: Error[]): { operation: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    operation: async () => {
      const error = errors[calls++];
      if (error !== undefined) throw error;
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('withRetry', () => {
  it('retries temporary failures with doubling delays, then returns the result', async () => {
    const { policy, sleeps } = recordingPolicy();
    const { operation, calls } = failingThen([
      new ccxt.NetworkError('socket hang up'),
      new ccxt.ExchangeNotAvailable('503'),
      new ccxt.RequestTimeout('timed out'),
    ]);
    await expect(withRetry('fetch', operation, { policy })).resolves.toBe('ok');
    expect(calls()).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('rethrows a permanent failure at once', async () => {
    const { policy, sleeps } = recordingPolicy();
    const { operation, calls } = failingThen([new ccxt.BadSymbol('binance Invalid symbol.')]);
    await expect(withRetry('fetch', operation, { policy })).rejects.toBeInstanceOf(ccxt.BadSymbol);
    expect(calls()).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the attempts, naming the operation and keeping the cause', async () => {
    const { policy, sleeps } = recordingPolicy({ attempts: 3 });
    const cause = new ccxt.NetworkError('connection refused');
    const { operation, calls } = failingThen([cause, cause, cause, cause]);
    const error = await withRetry('load binance markets', operation, { policy }).then(
      () => new Error('expected the call to fail'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toBe('load binance markets: still failing after 3 attempts');
    expect(error.cause).toBe(cause);
    expect(calls()).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('waits at least as long as a rate-limited server asks, but never beyond the cap', async () => {
    const { policy, sleeps } = recordingPolicy();
    const { operation } = failingThen([new ccxt.RateLimitExceeded('429'), new ccxt.DDoSProtection('418'), new ccxt.NetworkError('reset')]);
    const asked = [700, 5_000, 9_000];
    let asks = 0;
    await withRetry('fetch', operation, { policy, requestedDelayMs: () => asked[asks++] });
    // The third failure is not a rate limit, so its request for 9 s is never consulted.
    expect(sleeps).toEqual([700, 1_000, 400]);
    expect(asks).toBe(2);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base delay and stops at the cap', () => {
    const { policy } = recordingPolicy();
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(policy, retry))).toEqual([100, 200, 400, 800, 1_000]);
  });
});

describe('retryAfterMs', () => {
  it('reads Retry-After seconds and ignores what it cannot use', () => {
    expect(retryAfterMs({ 'Retry-After': '2' })).toBe(2_000);
    expect(retryAfterMs({ 'retry-after': '0.5' })).toBe(500);
    expect(retryAfterMs({ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' })).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
