import type { KubeObject } from './types.ts';

/** The three event types a stored change produces. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change to one stored object; `previous` lets selector-filtered watches see objects leave. */
export interface StoredEvent {
  type: ChangeType;
  resourceVersion: number;
  object: KubeObject;
  previous: KubeObject | undefined;
}

/** A live watch on one storage key. */
export interface WatchSubscriber {
  deliver(event: StoredEvent): void;
  /** Ends the watch from the server side (dropWatches, server close). */
  close(): void;
  /** Sends a BOOKMARK now if the client asked for bookmarks. */
  bookmark(): void;
}

/** Why a watch could not resume: its resourceVersion is older than the retained history. */
export interface ExpiredHistory {
  expired: true;
  oldestResumable: number;
}

/**
 * Fans stored changes out to live watches and keeps per-resource history so a watch can resume
 * from a resourceVersion. History is bounded (like etcd compaction): resuming from before the
 * retained window, or from before `expireBefore(rv)`, is answered with 410 Gone by the caller.
 */
export class WatchHub {
  private readonly history = new Map<string, StoredEvent[]>();
  private readonly resumeFloor = new Map<string, number>();
  private readonly subscribers = new Map<string, Set<WatchSubscriber>>();
  private expiredBefore = 0;
  private readonly historyLimit: number;

  constructor(historyLimit: number) {
    this.historyLimit = historyLimit;
  }

  /** Records an event and hands it to every live watch of the storage key. */
  publish(storageKey: string, event: StoredEvent): void {
    let events = this.history.get(storageKey);
    if (!events) this.history.set(storageKey, (events = []));
    events.push(event);
    // Trim in batches so the amortised cost per write stays O(1).
    if (events.length > this.historyLimit * 2) {
      const dropped = events.splice(0, events.length - this.historyLimit);
      const last = dropped[dropped.length - 1];
      if (last) this.resumeFloor.set(storageKey, Math.max(this.resumeFloor.get(storageKey) ?? 0, last.resourceVersion));
    }
    for (const subscriber of this.subscribers.get(storageKey) ?? []) subscriber.deliver(event);
  }

  /** Events after `resourceVersion`, or an expiry marker when they are no longer all retained. */
  eventsSince(storageKey: string, resourceVersion: number): StoredEvent[] | ExpiredHistory {
    const floor = Math.max(this.expiredBefore, this.resumeFloor.get(storageKey) ?? 0);
    if (resourceVersion < floor) return { expired: true, oldestResumable: floor };
    const events = this.history.get(storageKey) ?? [];
    let low = 0;
    let high = events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((events[mid]?.resourceVersion ?? 0) <= resourceVersion) low = mid + 1;
      else high = mid;
    }
    return events.slice(low);
  }

  /** Registers a live watch; returns the function that unregisters it. */
  subscribe(storageKey: string, subscriber: WatchSubscriber): () => void {
    let set = this.subscribers.get(storageKey);
    if (!set) this.subscribers.set(storageKey, (set = new Set()));
    set.add(subscriber);
    return () => set.delete(subscriber);
  }

  /** Makes every resourceVersion below `resourceVersion` unresumable (410 Gone), like an etcd compaction. */
  expireBefore(resourceVersion: number): void {
    this.expiredBefore = Math.max(this.expiredBefore, resourceVersion);
    for (const [key, events] of this.history) {
      this.history.set(key, events.filter((e) => e.resourceVersion > resourceVersion));
    }
  }

  /** Ends every live watch (clients see the stream close and must re-watch). */
  closeAll(): void {
    const all = [...this.subscribers.values()].flatMap((set) => [...set]);
    for (const set of this.subscribers.values()) set.clear();
    for (const subscriber of all) subscriber.close();
  }

  /** Sends a BOOKMARK on every watch that allows bookmarks. */
  bookmarkAll(): void {
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.bookmark();
  }

  /** Ends every live watch of one storage key (its CRD was deleted). */
  closeStorage(storageKey: string): void {
    const set = this.subscribers.get(storageKey);
    if (!set) return;
    const all = [...set];
    set.clear();
    for (const subscriber of all) subscriber.close();
  }
}
