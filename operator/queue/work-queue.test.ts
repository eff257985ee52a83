import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkQueue } from './work-queue.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createWorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a key added several times before it starts only once', async () => {
    const seen: string[] = [];
    const gate = deferred();
    const queue = createWorkQueue({ concurrency: 1, handler: async (key) => { seen.push(key); await gate.promise; } });
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('b');
    expect(queue.depth()).toBe(1);
    gate.resolve();
    await queue.drained();
    expect(seen).toEqual(['a', 'b']);
  });

  it('never runs one key twice at once, and reruns it once when it changed meanwhile', async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const gate = deferred();
    const queue = createWorkQueue({
      concurrency: 4,
      handler: async () => {
        calls++;
        active++;
        maxActive = Math.max(maxActive, active);
        if (calls === 1) await gate.promise;
        active--;
      },
    });
    queue.add('a');
    queue.add('a');
    queue.add('a');
    expect(queue.inFlight()).toBe(1);
    gate.resolve();
    await queue.drained();
    await queue.drained();
    expect(calls).toBe(2);
    expect(maxActive).toBe(1);
  });

  it('keeps at most `concurrency` reconciles in flight', async () => {
    const gate = deferred();
    const queue = createWorkQueue({ concurrency: 2, handler: () => gate.promise });
    for (const key of ['a', 'b', 'c', 'd']) queue.add(key);
    expect(queue.inFlight()).toBe(2);
    expect(queue.depth()).toBe(2);
    gate.resolve();
    await queue.drained();
    expect(queue.inFlight()).toBe(0);
  });

  it('retries a failing key with exponential backoff and resets after a success', async () => {
    const times: number[] = [];
    const queue = createWorkQueue({
      concurrency: 1,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      now: () => Date.now(),
      handler: async () => {
        times.push(Date.now());
        if (times.length <= 3) throw new Error('API server unavailable');
      },
    });
    const start = Date.now();
    queue.add('a');
    await vi.advanceTimersByTimeAsync(5000);
    expect(times.map((t) => t - start)).toEqual([0, 100, 300, 700]);
    expect(queue.failures('a')).toBe(0);
  });

  it('caps the backoff', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const queue = createWorkQueue({ concurrency: 1, baseDelayMs: 100, maxDelayMs: 250, now: () => Date.now(), handler: async () => { calls++; throw new Error('no'); }, onDone: (_k, _d, e) => errors.push(e) });
    queue.add('a');
    await vi.advanceTimersByTimeAsync(100 + 200 + 250 + 250);
    expect(calls).toBe(5);
    expect(errors.every((e) => e instanceof Error)).toBe(true);
    await queue.shutdown();
  });

  it('requeues after the delay a reconcile asks for, keeping the earliest wake-up', async () => {
    let calls = 0;
    const queue = createWorkQueue({ concurrency: 1, now: () => Date.now(), handler: async () => { calls++; return calls === 1 ? { requeueAfterMs: 60_000 } : undefined; } });
    queue.add('a');
    await vi.advanceTimersByTimeAsync(0);
    queue.addAfter('a', 120_000);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toBe(2);
  });

  it('stops taking work on shutdown and waits for what is in flight', async () => {
    const gate = deferred();
    let finished = false;
    const queue = createWorkQueue({ concurrency: 1, handler: async () => { await gate.promise; finished = true; } });
    queue.add('a');
    queue.add('b');
    const done = queue.shutdown();
    queue.add('c');
    gate.resolve();
    await done;
    expect(finished).toBe(true);
    expect(queue.depth()).toBe(0);
  });
});
