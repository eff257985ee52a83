/** Keeps one object's status in the API in step with what the kubelet computes: one write in flight, retried through outages. */
import { isApiStatus } from '../../operator/kube/rest-client.ts';
import { createBackoff, sleep } from './timing.ts';

/** Options of createStatusSync. */
export interface StatusSyncOptions<T> {
  /** The status as it should be now. */
  readonly build: () => T;
  readonly send: (status: T) => Promise<void>;
  readonly onError: (error: unknown) => void;
}

/** A status kept in sync. */
export interface StatusSync {
  /** The status may have changed: write it (soon, once). */
  changed(): void;
  /** Resolves once the latest status is written, or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
  /** No more writes (the object is gone, or the kubelet stops). */
  stop(): void;
}

/**
 * Coalesces changes: while a write is in flight further changes wait and go out as one. Identical statuses are
 * not rewritten. Failures are retried with backoff (the API server may be restarting); a 404 means the object is
 * gone and ends the sync.
 */
export function createStatusSync<T>(options: StatusSyncOptions<T>): StatusSync {
  const stopping = new AbortController();
  const backoff = createBackoff(250, 5_000);
  let dirty = false;
  let writing: Promise<void> | undefined;
  let lastSent = '';

  async function writeLoop(): Promise<void> {
    while (dirty && !stopping.signal.aborted) {
      dirty = false;
      const status = options.build();
      const text = JSON.stringify(status);
      if (text === lastSent) continue;
      try {
        await options.send(status);
        lastSent = text;
        backoff.reset();
      } catch (error) {
        if (isApiStatus(error, 404)) return stopping.abort();
        options.onError(error);
        // A rejected status stays rejected: wait for the next change rather than hammer the server.
        if (isApiStatus(error, 422)) continue;
        dirty = true;
        await sleep(backoff.next(), stopping.signal);
      }
    }
  }

  function changed(): void {
    dirty = true;
    writing ??= writeLoop()
      .catch(options.onError)
      .finally(() => {
        writing = undefined;
        if (dirty && !stopping.signal.aborted) changed();
      });
  }

  return {
    changed,
    async flush(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while ((writing || dirty) && !stopping.signal.aborted && Date.now() < deadline) {
        await Promise.race([writing, sleep(Math.max(0, deadline - Date.now()), stopping.signal)]);
      }
    },
    stop: () => stopping.abort(),
  };
}
