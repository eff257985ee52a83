/** What a reconcile may ask of the queue besides success or failure. */
export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (e.g. when a schedule comes due). */
  readonly requeueAfterMs?: number;
}

/** Timer functions, injectable so tests can drive time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of createWorkQueue. */
export interface WorkQueueOptions {
  /** Reconciles in flight at once (across keys; never two for one key). */
  readonly concurrency: number;
  readonly handler: (key: string) => Promise<ReconcileResult | void>;
  /** First retry delay after a failure; doubles with each consecutive failure of the key. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Told about every finished reconcile, for metrics and logs. */
  readonly onDone?: (key: string, durationMs: number, error: unknown) => void;
  readonly timers?: Timers;
  readonly now?: () => number;
}

/** A controller work queue: handlers only enqueue keys; the queue runs the reconciles. */
export interface WorkQueue {
  /** Reconcile `key` soon; a key already waiting is not queued twice. */
  add(key: string): void;
  /** Reconcile `key` after `ms` milliseconds; an earlier pending wake-up wins. */
  addAfter(key: string, ms: number): void;
  /** Keys waiting to be reconciled (not counting those in flight or delayed). */
  depth(): number;
  /** Reconciles running now. */
  inFlight(): number;
  /** Consecutive failures of `key` so far. */
  failures(key: string): number;
  /** Stop taking work and wait for the reconciles in flight. */
  shutdown(): Promise<void>;
  /** Resolves when nothing is queued or in flight (delayed keys do not count). */
  drained(): Promise<void>;
}

const defaultTimers: Timers = {
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A rate-limited, de-duplicating work queue. One reconcile per key is in flight at a time; a key added while
 * its reconcile runs is run again once after it; failures are retried with exponential backoff per key.
 */
export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  const timers = options.timers ?? defaultTimers;
  const now = options.now ?? (() => performance.now());
  const baseDelay = options.baseDelayMs ?? 200;
  const maxDelay = options.maxDelayMs ?? 60_000;
  const waiting: string[] = [];
  const queued = new Set<string>();
  const processing = new Set<string>();
  const dirty = new Set<string>();
  const failureCounts = new Map<string, number>();
  const delayed = new Map<string, { handle: unknown; at: number }>();
  const idleWaiters: (() => void)[] = [];
  let running = 0;
  let stopped = false;

  function notifyIdle(): void {
    if (running === 0 && waiting.length === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  function add(key: string): void {
    if (stopped) return;
    if (processing.has(key)) {
      dirty.add(key);
      return;
    }
    if (queued.has(key)) return;
    queued.add(key);
    waiting.push(key);
    pump();
  }

  function addAfter(key: string, ms: number): void {
    if (stopped) return;
    if (ms <= 0) return add(key);
    const at = now() + ms;
    const pending = delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) timers.clearTimeout(pending.handle);
    const handle = timers.setTimeout(() => {
      delayed.delete(key);
      add(key);
    }, ms);
    delayed.set(key, { handle, at });
  }

  function pump(): void {
    while (!stopped && running < options.concurrency && waiting.length > 0) {
      const key = waiting.shift()!;
      queued.delete(key);
      processing.add(key);
      running++;
      void process(key);
    }
  }

  async function process(key: string): Promise<void> {
    const started = now();
    let error: unknown;
    let result: ReconcileResult | void = undefined;
    try {
      result = await options.handler(key);
    } catch (caught) {
      error = caught ?? new Error('reconcile failed');
    }
    processing.delete(key);
    running--;
    options.onDone?.(key, now() - started, error);
    if (error !== undefined) {
      const failures = (failureCounts.get(key) ?? 0) + 1;
      failureCounts.set(key, failures);
      addAfter(key, Math.min(maxDelay, baseDelay * 2 ** (failures - 1)));
    } else {
      failureCounts.delete(key);
      if (result?.requeueAfterMs !== undefined) addAfter(key, result.requeueAfterMs);
    }
    if (dirty.delete(key)) add(key);
    pump();
    notifyIdle();
  }

  return {
    add,
    addAfter,
    depth: () => waiting.length,
    inFlight: () => running,
    failures: (key) => failureCounts.get(key) ?? 0,
    async shutdown() {
      stopped = true;
      for (const { handle } of delayed.values()) timers.clearTimeout(handle);
      delayed.clear();
      waiting.length = 0;
      queued.clear();
      await new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      });
    },
    drained: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        notifyIdle();
      }),
  };
}
