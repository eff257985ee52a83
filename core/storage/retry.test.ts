import { describe, expect, it } from 'vitest';
import { backoffDelayMs, RetriesExhaustedError, retryPolicy, withRetry } from './retry.ts';

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
      () => true,
      policy,
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('rethrows a permanent failure at once without waiting', async () => {
    const { policy, sleeps } = recordingPolicy(1);
    const permanent = new Error('forbidden');
    await expect(withRetry(async () => Promise.reject(permanent), () => false, policy)).rejects.toBe(permanent);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the last attempt with the last error as cause and reports every retry', async () => {
    const events: Array<{ attempt: number; delayMs: number }> = [];
    const { policy, sleeps } = recordingPolicy(0, 3);
    let calls = 0;
    const failing = withRetry(
      async () => Promise.reject(new Error(`refused #${++calls}`)),
      () => true,
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
