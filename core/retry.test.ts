import { describe, expect, it } from 'vitest';
import { backoffDelayMs, RetriesExhaustedError, withRetry } from './retry.ts';
import { storageRetryPolicy as retryPolicy } from './storage/retry.ts';

const recordingPolicy = (random: number, attempts = 4) => {
  const sleeps: number[] = [];
  const policy = retryPolicy({ attempts, baseDelayMs: 100, maxDelayMs: 500, random: () => random, sleep: async (ms) => void sleeps.push(ms) });
  return { policy, sleeps };
};

describe('backoffDelayMs', () => {
  it('doubles from the base delay, caps at the maximum and keeps half of each delay fixed', () => {
    const { policy: upper } = recordingPolicy(1);
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(upper, retry))).toEqual([100, 200, 400, 500, 500]);
    const { policy: lower } = recordingPolicy(0);
    expect([1, 2, 3, 4].map((retry) => backoffDelayMs(lower, retry))).toEqual([50, 100, 200, 250]);
  });

  it('defaults to five attempts whose waits add up to between 15 and 30 seconds', () => {
    const policy = retryPolicy();
    const total = (random: number) => [1, 2, 3, 4].reduce((sum, retry) => sum + backoffDelayMs({ ...policy, random: () => random }, retry), 0);
    expect(policy.attempts).toBe(5);
    expect(total(0)).toBe(15_000);
    expect(total(1)).toBe(30_000);
  });
});

describe('withRetry', () => {
  it('retries temporary failures and returns the first success', async () => {
    const { policy, sleeps } = recordingPolicy(1);
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new Error('flaky');
        return 'done';
      },
      { isTemporary: () => true },
      policy,
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('rethrows a permanent failure at once without waiting', async () => {
    const { policy, sleeps } = recordingPolicy(1);
    const permanent = new Error('forbidden');
    await expect(withRetry(async () => Promise.reject(permanent), { isTemporary: () => false }, policy)).rejects.toBe(permanent);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the last attempt with the last error as cause and reports every retry', async () => {
    const events: Array<{ attempt: number; delayMs: number }> = [];
    const { policy, sleeps } = recordingPolicy(0, 3);
    let calls = 0;
    const failing = withRetry(
      async () => Promise.reject(new Error(`refused #${++calls}`)),
      { isTemporary: () => true },
      { ...policy, onRetry: ({ attempt, delayMs }) => events.push({ attempt, delayMs }) },
    );
    const error = await failing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(3);
    expect(((error as Error).cause as Error).message).toBe('refused #3');
    expect(sleeps).toEqual([50, 100]);
    expect(events).toEqual([{ attempt: 1, delayMs: 50 }, { attempt: 2, delayMs: 100 }]);
  });
});

describe('backoffDelayMs without jitter', () => {
  it('is deterministic, never shorter than a requested wait and never above the cap', () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, sleep: async () => undefined };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(policy, retry))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelayMs(policy, 1, 700)).toBe(700);
    expect(backoffDelayMs(policy, 1, 60_000)).toBe(1_000);
  });
});

describe('withRetry with a requested delay', () => {
  it('waits at least what the failure asked for', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const policy = { attempts: 3, baseDelayMs: 10, maxDelayMs: 5_000, sleep: async (ms: number) => void sleeps.push(ms) };
    const result = await withRetry(
      async () => (++calls < 2 ? Promise.reject(new Error('429')) : 'ok'),
      { isTemporary: () => true, requestedDelayMs: () => 2_000 },
      policy,
    );
    expect(result).toBe('ok');
    expect(sleeps).toEqual([2_000]);
  });
});
