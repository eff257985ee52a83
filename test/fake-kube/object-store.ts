import type { KubeObject } from './types.ts';
import { WatchHub } from './watch-hub.ts';

/** Where an object with a given uid lives. */
export interface StoredRef {
  storageKey: string;
  namespace: string;
  name: string;
}

/** A stored object together with its storage key. */
export interface StoredEntry {
  storageKey: string;
  object: KubeObject;
}

function ownerUids(object: KubeObject | undefined): string[] {
  return (object?.metadata.ownerReferences ?? []).map((ref) => ref.uid).filter((uid) => typeof uid === 'string');
}

/**
 * The fake etcd: objects by storage key → namespace → name, one global resourceVersion counter,
 * and the indexes that keep writes O(1) for a thousand objects (uid → location, owner uid →
 * dependent uids, per-namespace object counts). Stored objects are never mutated in place: every
 * write stores a new object, so watch history can hold references safely.
 */
export class ObjectStore {
  readonly hub: WatchHub;
  private readonly collections = new Map<string, Map<string, Map<string, KubeObject>>>();
  private readonly byUid = new Map<string, StoredRef>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly namespaceCounts = new Map<string, number>();
  private revision = 0;

  constructor(historyLimit: number) {
    this.hub = new WatchHub(historyLimit);
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The stored object, or undefined. */
  get(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    return this.collections.get(storageKey)?.get(namespace)?.get(name);
  }

  /** Objects of a storage key, in one namespace or (namespace undefined) in all. */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const byNamespace = this.collections.get(storageKey);
    if (!byNamespace) return [];
    if (namespace !== undefined) return [...(byNamespace.get(namespace)?.values() ?? [])];
    const all: KubeObject[] = [];
    for (const objects of byNamespace.values()) for (const object of objects.values()) all.push(object);
    return all;
  }

  /** Stores `object` under a new resourceVersion and publishes ADDED or MODIFIED. */
  write(storageKey: string, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    let byNamespace = this.collections.get(storageKey);
    if (!byNamespace) this.collections.set(storageKey, (byNamespace = new Map()));
    let objects = byNamespace.get(namespace);
    if (!objects) byNamespace.set(namespace, (objects = new Map()));
    const previous = objects.get(name);
    const revision = ++this.revision;
    const stored: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(revision) } };
    objects.set(name, stored);
    const uid = stored.metadata.uid;
    if (uid) this.byUid.set(uid, { storageKey, namespace, name });
    this.reindexOwners(uid, ownerUids(previous), ownerUids(stored));
    if (!previous && namespace !== '') this.namespaceCounts.set(namespace, (this.namespaceCounts.get(namespace) ?? 0) + 1);
    this.hub.publish(storageKey, { type: previous ? 'MODIFIED' : 'ADDED', resourceVersion: revision, object: stored, previous });
    return stored;
  }

  /** Removes an object, publishing DELETED with a fresh resourceVersion; returns what was removed. */
  remove(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    const objects = this.collections.get(storageKey)?.get(namespace);
    const previous = objects?.get(name);
    if (!objects || !previous) return undefined;
    objects.delete(name);
    const revision = ++this.revision;
    const removed: KubeObject = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(revision) } };
    const uid = previous.metadata.uid;
    if (uid) this.byUid.delete(uid);
    this.reindexOwners(uid, ownerUids(previous), []);
    if (namespace !== '') this.namespaceCounts.set(namespace, (this.namespaceCounts.get(namespace) ?? 1) - 1);
    this.hub.publish(storageKey, { type: 'DELETED', resourceVersion: revision, object: removed, previous });
    return removed;
  }

  /** Where the object with `uid` lives, if it exists. */
  locate(uid: string): StoredRef | undefined {
    return this.byUid.get(uid);
  }

  /** The live object with `uid`. */
  getByUid(uid: string): StoredEntry | undefined {
    const ref = this.byUid.get(uid);
    const object = ref && this.get(ref.storageKey, ref.namespace, ref.name);
    return ref && object ? { storageKey: ref.storageKey, object } : undefined;
  }

  /** Objects whose ownerReferences name `ownerUid`. */
  dependentsOf(ownerUid: string): StoredEntry[] {
    const entries: StoredEntry[] = [];
    for (const uid of this.dependents.get(ownerUid) ?? []) {
      const entry = this.getByUid(uid);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** Number of namespaced objects (of any kind) in `namespace`. */
  countInNamespace(namespace: string): number {
    return this.namespaceCounts.get(namespace) ?? 0;
  }

  /** Every namespaced object in `namespace`, across kinds. */
  listNamespace(namespace: string): StoredEntry[] {
    const entries: StoredEntry[] = [];
    for (const [storageKey, byNamespace] of this.collections) {
      for (const object of byNamespace.get(namespace)?.values() ?? []) entries.push({ storageKey, object });
    }
    return entries;
  }

  private reindexOwners(uid: string | undefined, before: string[], after: string[]): void {
    if (!uid) return;
    for (const owner of before) if (!after.includes(owner)) this.dependents.get(owner)?.delete(uid);
    for (const owner of after) {
      let set = this.dependents.get(owner);
      if (!set) this.dependents.set(owner, (set = new Set()));
      set.add(uid);
    }
  }
}
