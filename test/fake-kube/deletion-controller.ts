import { CRD_STORAGE_KEY } from './crd-resources.ts';
import type { ObjectStore } from './object-store.ts';
import { clockDate, kubeTimestamp, type Clock, type KubeObject } from './types.ts';

/** How dependents of a deleted object are treated (DeleteOptions.propagationPolicy). */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** Whether the object is gone or waits for finalizers. */
export interface DeletionOutcome {
  object: KubeObject;
  removed: boolean;
}

const FOREGROUND_FINALIZER = 'foregroundDeletion';
const NAMESPACES = 'namespaces';

/** Metadata with `finalizers` set, or dropped when empty (the apiserver never stores an empty list). */
function withFinalizers(metadata: KubeObject['metadata'], finalizers: string[]): KubeObject['metadata'] {
  const copy: KubeObject['metadata'] = { ...metadata, finalizers };
  if (finalizers.length === 0) delete copy.finalizers;
  return copy;
}

/**
 * Deletion semantics shared by every resource: finalizers and deletionTimestamp, the garbage
 * collector (ownerReference cascading: background, foreground, orphan), namespace termination and
 * CRD cleanup. The real server does the garbage collection asynchronously; here it runs inside the
 * request that removed the owner, so a test sees the cascade completed when the DELETE returns.
 */
export class DeletionController {
  private readonly store: ObjectStore;
  private readonly clock: Clock;
  private readonly onCrdRemoved: (crd: KubeObject) => void;

  constructor(store: ObjectStore, clock: Clock, onCrdRemoved: (crd: KubeObject) => void) {
    this.store = store;
    this.clock = clock;
    this.onCrdRemoved = onCrdRemoved;
  }

  /** Deletes a stored object with the given propagation; finalizers keep it (marked) until removed. */
  delete(storageKey: string, current: KubeObject, policy: PropagationPolicy): DeletionOutcome {
    const uid = current.metadata.uid ?? '';
    if (policy === 'Orphan') this.orphanDependents(uid);
    if (storageKey === NAMESPACES) return this.terminateNamespace(current);
    let object = current;
    if (policy === 'Foreground' && this.store.dependentsOf(uid).length > 0) {
      const finalizers = object.metadata.finalizers ?? [];
      object = this.markDeleting(storageKey, object, finalizers.includes(FOREGROUND_FINALIZER) ? finalizers : [...finalizers, FOREGROUND_FINALIZER]);
      for (const dependent of this.store.dependentsOf(uid)) this.delete(dependent.storageKey, dependent.object, 'Foreground');
      return this.currentOutcome(storageKey, object);
    }
    if ((object.metadata.finalizers ?? []).length > 0) {
      return { object: this.markDeleting(storageKey, object, object.metadata.finalizers ?? []), removed: false };
    }
    return { object: this.remove(storageKey, object), removed: true };
  }

  /** Removes a stored object now and runs everything that reacts to its disappearance. */
  remove(storageKey: string, object: KubeObject): KubeObject {
    const removed = this.store.remove(storageKey, object.metadata.namespace ?? '', object.metadata.name ?? '');
    if (!removed) return object;
    this.afterRemoval(storageKey, removed);
    return removed;
  }

  /** Called after any write: an object being deleted whose last finalizer went away is removed. */
  finishIfReleased(storageKey: string, object: KubeObject): KubeObject {
    if (object.metadata.deletionTimestamp === undefined || (object.metadata.finalizers ?? []).length > 0) return object;
    if (storageKey === NAMESPACES && this.store.countInNamespace(object.metadata.name ?? '') > 0) return object;
    return this.remove(storageKey, object);
  }

  private currentOutcome(storageKey: string, object: KubeObject): DeletionOutcome {
    const live = this.store.get(storageKey, object.metadata.namespace ?? '', object.metadata.name ?? '');
    if (live && live.metadata.uid === object.metadata.uid) return { object: live, removed: false };
    return { object, removed: true };
  }

  private markDeleting(storageKey: string, object: KubeObject, finalizers: string[]): KubeObject {
    const first = object.metadata.deletionTimestamp === undefined;
    if (!first && finalizers.length === (object.metadata.finalizers ?? []).length) return object;
    const generation = object.metadata.generation;
    return this.store.write(storageKey, {
      ...object,
      metadata: {
        ...withFinalizers(object.metadata, finalizers),
        ...(first
          ? {
              deletionTimestamp: kubeTimestamp(clockDate(this.clock)),
              deletionGracePeriodSeconds: 0,
              // The apiserver bumps generation when deletion starts: controllers must notice.
              ...(generation !== undefined && generation > 0 ? { generation: generation + 1 } : {}),
            }
          : {}),
      },
    });
  }

  private orphanDependents(uid: string): void {
    for (const dependent of this.store.dependentsOf(uid)) {
      const refs = (dependent.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      this.writeOwnerReferences(dependent.storageKey, dependent.object, refs);
    }
  }

  private writeOwnerReferences(storageKey: string, object: KubeObject, refs: KubeObject['metadata']['ownerReferences']): void {
    const metadata = { ...object.metadata };
    if (refs && refs.length > 0) metadata.ownerReferences = refs;
    else delete metadata.ownerReferences;
    this.store.write(storageKey, { ...object, metadata });
  }

  private terminateNamespace(namespace: KubeObject): DeletionOutcome {
    const name = namespace.metadata.name ?? '';
    let object = namespace;
    if (object.metadata.deletionTimestamp === undefined) {
      object = this.store.write(NAMESPACES, {
        ...object,
        metadata: { ...object.metadata, deletionTimestamp: kubeTimestamp(clockDate(this.clock)), deletionGracePeriodSeconds: 0 },
        status: { ...(object.status as object | undefined), phase: 'Terminating' },
      });
    }
    for (const entry of this.store.listNamespace(name)) this.delete(entry.storageKey, entry.object, 'Background');
    const live = this.store.get(NAMESPACES, '', name);
    if (!live) return { object, removed: true };
    const finished = this.finishIfReleased(NAMESPACES, live);
    return { object: finished, removed: finished !== live };
  }

  private afterRemoval(storageKey: string, removed: KubeObject): void {
    const uid = removed.metadata.uid ?? '';
    for (const dependent of this.store.dependentsOf(uid)) {
      const refs = dependent.object.metadata.ownerReferences ?? [];
      const live = refs.filter((r) => this.store.locate(r.uid) !== undefined);
      if (live.length === 0) this.delete(dependent.storageKey, dependent.object, 'Background');
      else if (live.length < refs.length) this.writeOwnerReferences(dependent.storageKey, dependent.object, live);
    }
    for (const ref of removed.metadata.ownerReferences ?? []) this.releaseForegroundOwner(ref.uid);
    const namespace = removed.metadata.namespace;
    if (namespace) {
      const ns = this.store.get(NAMESPACES, '', namespace);
      if (ns?.metadata.deletionTimestamp !== undefined && this.store.countInNamespace(namespace) === 0) this.finishIfReleased(NAMESPACES, ns);
    }
    if (storageKey === CRD_STORAGE_KEY) this.onCrdRemoved(removed);
  }

  private releaseForegroundOwner(ownerUid: string): void {
    const owner = this.store.getByUid(ownerUid);
    if (!owner || !(owner.object.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return;
    if (this.store.dependentsOf(ownerUid).length > 0) return;
    const finalizers = (owner.object.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND_FINALIZER);
    const written = this.store.write(owner.storageKey, { ...owner.object, metadata: withFinalizers(owner.object.metadata, finalizers) });
    this.finishIfReleased(owner.storageKey, written);
  }
}
