/** Runs a batch of samples laid end to end and returns their outputs laid end to end. */
export type BatchRunner = (inputs: Float32Array, samples: number) => Promise<Float32Array>;

/** Options of {@link createMicroBatcher}. */
export interface MicroBatcherOptions {
  readonly run: BatchRunner;
  /** Floats per input sample (window × F) and per output sample (horizon × Q). */
  readonly inputSize: number;
  readonly outputSize: number;
  /** Most samples per call; a single request larger than this still runs, alone. */
  readonly maxBatchSize: number;
  /**
   * Longest a request waits for companions when the batcher is idle but the last batch showed
   * concurrent load. A lone request (last batch of one) never waits. 0 disables the wait.
   */
  readonly maxWaitMs: number;
  /** Called after every call with its sample count and duration in seconds. */
  readonly onBatch?: (samples: number, seconds: number) => void;
}

/** Submit samples; concurrent submissions share one call. */
export interface MicroBatcher {
  /** Run `samples` samples laid end to end; resolves with their outputs laid end to end. */
  submit(inputs: Float32Array, samples: number): Promise<Float32Array>;
  /** Samples queued and not yet running. */
  readonly queued: number;
}

interface Pending {
  readonly inputs: Float32Array;
  readonly samples: number;
  readonly resolve: (outputs: Float32Array) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Micro-batching with one call in flight. While a call runs, new requests queue; when it ends, everything
 * queued (up to maxBatchSize samples) goes into the next call at once. An idle batcher starts a call on
 * the next event-loop turn, so requests parsed in the same turn share it and a lone request adds no delay.
 * Under load this turns N inferences into a few large calls, which onnxruntime runs far faster per sample.
 */
export function createMicroBatcher(options: MicroBatcherOptions): MicroBatcher {
  const { run, inputSize, outputSize, maxBatchSize, maxWaitMs, onBatch } = options;
  const queue: Pending[] = [];
  let queuedSamples = 0;
  let running = false;
  let scheduled: 'immediate' | 'timer' | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastBatchSamples = 0;

  function schedule(): void {
    if (running || queue.length === 0) return;
    if (queuedSamples >= maxBatchSize) {
      flush();
      return;
    }
    if (scheduled !== undefined) return;
    if (maxWaitMs > 0 && lastBatchSamples > 1) {
      scheduled = 'timer';
      timer = setTimeout(flush, maxWaitMs);
    } else {
      scheduled = 'immediate';
      setImmediate(flush);
    }
  }

  function take(): Pending[] {
    const batch: Pending[] = [];
    let samples = 0;
    while (queue.length > 0 && (batch.length === 0 || samples + queue[0]!.samples <= maxBatchSize)) {
      const next = queue.shift()!;
      samples += next.samples;
      batch.push(next);
    }
    queuedSamples -= samples;
    return batch;
  }

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    scheduled = undefined;
    if (running || queue.length === 0) return;
    running = true;
    const batch = take();
    void execute(batch).finally(() => {
      running = false;
      // Whatever queued during the call runs next, without waiting for more.
      if (queue.length > 0) flush();
    });
  }

  async function execute(batch: Pending[]): Promise<void> {
    const samples = batch.reduce((sum, item) => sum + item.samples, 0);
    lastBatchSamples = samples;
    const inputs = batch.length === 1 ? batch[0]!.inputs : concatenate(batch, samples * inputSize);
    const startedAt = performance.now();
    try {
      const outputs = await run(inputs, samples);
      onBatch?.(samples, (performance.now() - startedAt) / 1000);
      let offset = 0;
      for (const item of batch) {
        const length = item.samples * outputSize;
        item.resolve(outputs.subarray(offset, offset + length));
        offset += length;
      }
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }

  return {
    submit(inputs, samples) {
      if (inputs.length !== samples * inputSize) {
        return Promise.reject(new RangeError(`expected ${samples * inputSize} input values for ${samples} samples, got ${inputs.length}`));
      }
      return new Promise<Float32Array>((resolve, reject) => {
        queue.push({ inputs, samples, resolve, reject });
        queuedSamples += samples;
        schedule();
      });
    },
    get queued() {
      return queuedSamples;
    },
  };
}

/** A batcher that calls `run` once per submission: the service with batching switched off. */
export function createDirectRunner(options: Pick<MicroBatcherOptions, 'run' | 'inputSize' | 'onBatch'>): MicroBatcher {
  const { run, inputSize, onBatch } = options;
  return {
    async submit(inputs, samples) {
      if (inputs.length !== samples * inputSize) throw new RangeError(`expected ${samples * inputSize} input values for ${samples} samples, got ${inputs.length}`);
      const startedAt = performance.now();
      const outputs = await run(inputs, samples);
      onBatch?.(samples, (performance.now() - startedAt) / 1000);
      return outputs;
    },
    queued: 0,
  };
}

function concatenate(batch: readonly Pending[], length: number): Float32Array {
  const out = new Float32Array(length);
  let offset = 0;
  for (const item of batch) {
    out.set(item.inputs, offset);
    offset += item.inputs.length;
  }
  return out;
}
