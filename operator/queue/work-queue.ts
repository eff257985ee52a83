import { backoffDelayMs } from '../../core/retry.ts';

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

/**
 * What a queue reports as it works: the hooks of client-go's workqueue MetricsProvider, which controller-runtime
 * turns into its `workqueue_*` metrics. Seconds are measured on the queue's `now`.
 */
export interface WorkQueueMetrics {
  /** A key entered the queue (a key already waiting is not counted again). */
  added(): void;
  /** A failed key was put back with backoff. */
  retried(): void;
  /** Keys waiting now, reported after every change. */
  depth(keys: number): void;
  /** Seconds a key waited between entering the queue and its reconcile starting. */
  queued(seconds: number): void;
  /** Seconds one reconcile took. */
  worked(seconds: number): void;
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
  /** Told about adds, retries, depth and wait and work times, for the work-queue metrics. */
  readonly metrics?: WorkQueueMetrics;
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
  /** Seconds of work in flight not yet finished, summed over the running reconciles (stuck workers make it climb). */
  unfinishedWorkSeconds(): number;
  /** Seconds the longest running reconcile has been running; 0 when none runs. */
  longestRunningProcessorSeconds(): number;
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
  /** Keys in flight, with the time their reconcile started. */
  const processing = new Map<string, number>();
  /** When each waiting (or dirty) key entered the queue, for the queue-duration metric. */
  const enteredAt = new Map<string, number>();
  const metrics = options.metrics;
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
    enqueue(key, false);
  }

  /** Queue `key`; `counted` when it already entered the queue as a dirty key, so it is not counted twice. */
  function enqueue(key: string, counted: boolean): void {
    if (stopped) return;
    if (processing.has(key)) {
      if (!dirty.has(key)) markEntered(key);
      dirty.add(key);
      return;
    }
    if (queued.has(key)) return;
    if (!counted) markEntered(key);
    queued.add(key);
    waiting.push(key);
    metrics?.depth(waiting.length);
    pump();
  }

  function markEntered(key: string): void {
    if (!metrics) return;
    metrics.added();
    if (!enteredAt.has(key)) enteredAt.set(key, now());
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
      const started = now();
      processing.set(key, started);
      running++;
      if (metrics) {
        metrics.depth(waiting.length);
        metrics.queued(Math.max(0, started - (enteredAt.get(key) ?? started)) / 1000);
        enteredAt.delete(key);
      }
      void process(key, started);
    }
  }

  async function process(key: string, started: number): Promise<void> {
    let error: unknown;
    let result: ReconcileResult | void = undefined;
    try {
      result = await options.handler(key);
    } catch (caught) {
      error = caught ?? new Error('reconcile failed');
    }
    processing.delete(key);
    running--;
    const durationMs = now() - started;
    metrics?.worked(durationMs / 1000);
    options.onDone?.(key, durationMs, error);
    if (error !== undefined) {
      const failures = (failureCounts.get(key) ?? 0) + 1;
      failureCounts.set(key, failures);
      metrics?.retried();
      addAfter(key, backoffDelayMs({ baseDelayMs: baseDelay, maxDelayMs: maxDelay }, failures));
    } else {
      failureCounts.delete(key);
      if (result?.requeueAfterMs !== undefined) addAfter(key, result.requeueAfterMs);
    }
    if (dirty.delete(key)) enqueue(key, true);
    pump();
    notifyIdle();
  }

  return {
    add,
    addAfter,
    depth: () => waiting.length,
    inFlight: () => running,
    unfinishedWorkSeconds() {
      const at = now();
      let total = 0;
      for (const started of processing.values()) total += at - started;
      return total / 1000;
    },
    longestRunningProcessorSeconds() {
      const at = now();
      let longest = 0;
      for (const started of processing.values()) longest = Math.max(longest, at - started);
      return longest / 1000;
    },
    failures: (key) => failureCounts.get(key) ?? 0,
    async shutdown() {
      stopped = true;
      for (const { handle } of delayed.values()) timers.clearTimeout(handle);
      delayed.clear();
      waiting.length = 0;
      queued.clear();
      enteredAt.clear();
      metrics?.depth(0);
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
