/** Waiting that stop() can cut short, and the backoff every retry loop of the kubelet uses. */

/** Resolve after `ms`, or at once when `signal` aborts (never rejects: callers check the signal themselves). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Doubling backoff: `initialMs`, twice that, … up to `maxMs`; reset() after a success. */
export interface Backoff {
  next(): number;
  reset(): void;
}

/** A doubling backoff between `initialMs` and `maxMs`. */
export function createBackoff(initialMs: number, maxMs: number): Backoff {
  let attempt = 0;
  return {
    next: () => Math.min(maxMs, initialMs * 2 ** Math.min(attempt++, 30)),
    reset() {
      attempt = 0;
    },
  };
}

/** A Kubernetes timestamp (RFC 3339, whole seconds), as the kubelet writes them. */
export function kubeTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A Kubernetes MicroTime (RFC 3339 with exactly six fractional digits), as Leases need. */
export function kubeMicroTime(date = new Date()): string {
  return date.toISOString().replace(/Z$/, '000Z');
}
