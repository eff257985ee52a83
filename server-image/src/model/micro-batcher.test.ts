import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDirectRunner, createMicroBatcher, type BatchRunner } from './micro-batcher.ts';

/** A runner whose output for each sample is [sum of its inputs, sample count of the call]; records call sizes. */
function recordingRunner(inputSize: number): { run: BatchRunner; calls: number[]; release: () => void; hold: () => void } {
  const calls: number[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const run: BatchRunner = async (inputs, samples) => {
    calls.push(samples);
    if (gate) await gate;
    const out = new Float32Array(samples * 2);
    for (let s = 0; s < samples; s++) {
      let sum = 0;
      for (let k = 0; k < inputSize; k++) sum += inputs[s * inputSize + k]!;
      out[s * 2] = sum;
      out[s * 2 + 1] = samples;
    }
    return out;
  };
  return {
    run,
    calls,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      gate = undefined;
      open?.();
    },
  };
}

const sample = (...values: number[]) => Float32Array.from(values);

describe('createMicroBatcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs submissions made in the same turn as one call and routes each output back to its caller', async () => {
    const runner = recordingRunner(2);
    const batcher = createMicroBatcher({ run: runner.run, inputSize: 2, outputSize: 2, maxBatchSize: 8, maxWaitMs: 0 });
    const results = await Promise.all([batcher.submit(sample(1, 2), 1), batcher.submit(sample(10, 20, 30, 40), 2), batcher.submit(sample(5, 5), 1)]);
    expect(runner.calls).toEqual([4]);
    expect(results.map((r) => Array.from(r))).toEqual([[3, 4], [30, 4, 70, 4], [10, 4]]);
  });

  it('queues what arrives during a call and runs it all in the next call', async () => {
    const runner = recordingRunner(1);
    const batcher = createMicroBatcher({ run: runner.run, inputSize: 1, outputSize: 2, maxBatchSize: 8, maxWaitMs: 0 });
    runner.hold();
    const first = batcher.submit(sample(1), 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.calls).toEqual([1]);
    const later = [batcher.submit(sample(2), 1), batcher.submit(sample(3), 1), batcher.submit(sample(4), 1)];
    expect(batcher.queued).toBe(3);
    runner.release();
    await Promise.all([first, ...later]);
    expect(runner.calls).toEqual([1, 3]);
  });

  it('never puts more than maxBatchSize samples in a call, but runs a larger single request alone', async () => {
    const runner = recordingRunner(1);
    const batcher = createMicroBatcher({ run: runner.run, inputSize: 1, outputSize: 2, maxBatchSize: 2, maxWaitMs: 0 });
    await Promise.all([1, 2, 3, 4, 5].map((v) => batcher.submit(sample(v), 1)));
    expect(runner.calls).toEqual([2, 2, 1]);
    const big = await batcher.submit(sample(1, 1, 1), 3);
    expect(runner.calls.at(-1)).toBe(3);
    expect(Array.from(big)).toEqual([1, 3, 1, 3, 1, 3]);
  });

  it('does not make a lone request wait for companions', async () => {
    const runner = recordingRunner(1);
    // A wait this long would time the test out if a lone request were held back for it.
    const batcher = createMicroBatcher({ run: runner.run, inputSize: 1, outputSize: 2, maxBatchSize: 8, maxWaitMs: 600_000 });
    expect(Array.from(await batcher.submit(sample(7), 1))).toEqual([7, 1]);
    expect(Array.from(await batcher.submit(sample(8), 1))).toEqual([8, 1]);
  });

  it('waits at most maxWaitMs for companions once the last call showed concurrent load', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const runner = recordingRunner(1);
    const batcher = createMicroBatcher({ run: runner.run, inputSize: 1, outputSize: 2, maxBatchSize: 8, maxWaitMs: 5 });
    await Promise.all([batcher.submit(sample(1), 1), batcher.submit(sample(2), 1)]);
    expect(runner.calls).toEqual([2]);
    const next = batcher.submit(sample(3), 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.calls).toEqual([2]);
    const companion = batcher.submit(sample(4), 1);
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all([next, companion]);
    expect(runner.calls).toEqual([2, 2]);
  });

  it('rejects every request of a failed call and keeps serving later ones', async () => {
    let fail = true;
    const batcher = createMicroBatcher({
      run: async (inputs, samples) => {
        if (fail) throw new Error('onnxruntime failed');
        return new Float32Array(samples * 2).fill(inputs[0]!);
      },
      inputSize: 1,
      outputSize: 2,
      maxBatchSize: 8,
      maxWaitMs: 0,
    });
    const failed = await Promise.allSettled([batcher.submit(sample(1), 1), batcher.submit(sample(2), 1)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(Array.from(await batcher.submit(sample(9), 1))).toEqual([9, 9]);
  });

  it('refuses inputs whose length does not match the sample count', async () => {
    const batcher = createMicroBatcher({ run: recordingRunner(2).run, inputSize: 2, outputSize: 2, maxBatchSize: 8, maxWaitMs: 0 });
    await expect(batcher.submit(sample(1, 2, 3), 1)).rejects.toThrow(/expected 2 input values/);
  });
});

describe('createDirectRunner', () => {
  it('makes one call per request, as the service does with batching switched off', async () => {
    const runner = recordingRunner(1);
    const direct = createDirectRunner({ run: runner.run, inputSize: 1 });
    await Promise.all([direct.submit(sample(1), 1), direct.submit(sample(2), 1), direct.submit(sample(3, 4), 2)]);
    expect(runner.calls).toEqual([1, 1, 2]);
  });
});
