import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWorkQueue, type WorkQueueMetrics } from './work-queue.ts';

/** A WorkQueueMetrics that records every report, so the tests read what a Prometheus adapter would get. */
function recordingMetrics() {
  const seen = { adds: 0, retries: 0, depths: [] as number[], queued: [] as number[], worked: [] as number[] };
  const metrics: WorkQueueMetrics = {
    added: () => void seen.adds++,
    retried: () => void seen.retries++,
    depth: (keys) => void seen.depths.push(keys),
    queued: (seconds) => void seen.queued.push(seconds),
    worked: (seconds) => void seen.worked.push(seconds),
  };
  return { seen, metrics };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('work-queue metrics', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts a key once however often it is added while waiting, and reports the depth as it changes', async () => {
    const { seen, metrics } = recordingMetrics();
    const gate = deferred();
    const queue = createWorkQueue({ concurrency: 1, metrics, now: () => Date.now(), handler: () => gate.promise });
    queue.add('a');
    queue.add('b');
    queue.add('b');
    queue.add('c');
    expect(seen.adds).toBe(3);
    expect(seen.depths.at(-1)).toBe(2);
    gate.resolve();
    await queue.drained();
    expect(seen.depths.at(-1)).toBe(0);
    expect(seen.worked).toHaveLength(3);
  });

  it('measures the wait from the first add to the start, and the work from start to finish', async () => {
    const { seen, metrics } = recordingMetrics();
    const gate = deferred();
    const queue = createWorkQueue({
      concurrency: 1,
      metrics,
      now: () => Date.now(),
      handler: async (key) => {
        if (key === 'slow') await gate.promise;
      },
    });
    queue.add('slow');
    queue.add('next');
    await vi.advanceTimersByTimeAsync(1500);
    queue.add('next');
    gate.resolve();
    await queue.drained();
    // "slow" starts at once; "next" waits 1.5 s behind it, its second add not restarting the clock.
    expect(seen.queued).toEqual([0, 1.5]);
    expect(seen.worked[0]).toBe(1.5);
  });

  it('counts a key added while it runs once, and its wait from that add', async () => {
    const { seen, metrics } = recordingMetrics();
    const gate = deferred();
    let calls = 0;
    const queue = createWorkQueue({ concurrency: 1, metrics, now: () => Date.now(), handler: async () => (++calls === 1 ? gate.promise : undefined) });
    queue.add('a');
    await vi.advanceTimersByTimeAsync(1000);
    queue.add('a');
    queue.add('a');
    await vi.advanceTimersByTimeAsync(2000);
    gate.resolve();
    await queue.drained();
    await queue.drained();
    expect(calls).toBe(2);
    expect(seen.adds).toBe(2);
    expect(seen.queued).toEqual([0, 2]);
  });

  it('counts every retry of a failing key, and each retry as an add, as client-go does', async () => {
    const { seen, metrics } = recordingMetrics();
    let calls = 0;
    const queue = createWorkQueue({
      concurrency: 1,
      baseDelayMs: 100,
      metrics,
      now: () => Date.now(),
      handler: async () => {
        if (++calls <= 2) throw new Error('API server unavailable');
      },
    });
    queue.add('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(3);
    expect(seen.retries).toBe(2);
    expect(seen.adds).toBe(3);
  });

  it('does not count a requeue-after as a retry', async () => {
    const { seen, metrics } = recordingMetrics();
    let calls = 0;
    const queue = createWorkQueue({ concurrency: 1, metrics, now: () => Date.now(), handler: async () => (++calls === 1 ? { requeueAfterMs: 500 } : undefined) });
    queue.add('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(seen.retries).toBe(0);
  });

  it('reports the unfinished work and the longest running reconcile while they run', async () => {
    const gate = deferred();
    const queue = createWorkQueue({ concurrency: 2, now: () => Date.now(), handler: () => gate.promise });
    expect(queue.unfinishedWorkSeconds()).toBe(0);
    expect(queue.longestRunningProcessorSeconds()).toBe(0);
    queue.add('a');
    await vi.advanceTimersByTimeAsync(3000);
    queue.add('b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(queue.unfinishedWorkSeconds()).toBe(5);
    expect(queue.longestRunningProcessorSeconds()).toBe(4);
    gate.resolve();
    await queue.drained();
    expect(queue.unfinishedWorkSeconds()).toBe(0);
    expect(queue.longestRunningProcessorSeconds()).toBe(0);
  });
});
