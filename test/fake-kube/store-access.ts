import { badRequest } from './api-error.ts';
import type { PropagationPolicy } from './deletion-controller.ts';
import type { ResourceDefinition } from './resource-definition.ts';
import type { ResourceOperations } from './resource-operations.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import type { KubeObject } from './types.ts';

/** Names one object by apiVersion and kind (namespace omitted for cluster-scoped kinds). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Names a collection by apiVersion and kind, optionally narrowed to a namespace and a label selector. */
export interface CollectionRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
}

/**
 * Direct access to the fake server's objects for tests and simulators, without HTTP. Reads and
 * writes go through the same storage, so watches see them. Returned objects are copies.
 */
export class FakeKubeStore {
  private readonly registry: ResourceRegistry;
  private readonly operations: ResourceOperations;

  constructor(registry: ResourceRegistry, operations: ResourceOperations) {
    this.registry = registry;
    this.operations = operations;
  }

  private definition(apiVersion: string | undefined, kind: string | undefined): ResourceDefinition {
    const def = apiVersion && kind ? this.registry.byApiVersionKind(apiVersion, kind) : undefined;
    if (!def) throw badRequest(`the fake API server does not serve ${String(kind)} in ${String(apiVersion)}`);
    return def;
  }

  /** The object, or undefined when it does not exist. */
  get(ref: ObjectRef): KubeObject | undefined {
    const def = this.definition(ref.apiVersion, ref.kind);
    const { items } = this.operations.list(def, def.namespaced ? (ref.namespace ?? 'default') : undefined, { fieldSelector: `metadata.name=${ref.name}` });
    return items[0] === undefined ? undefined : structuredClone(items[0]);
  }

  /** Objects of a kind (all namespaces when `namespace` is omitted), ordered by namespace/name. */
  list(ref: CollectionRef): KubeObject[] {
    const def = this.definition(ref.apiVersion, ref.kind);
    const query = ref.labelSelector ? { labelSelector: ref.labelSelector } : {};
    return structuredClone(this.operations.list(def, ref.namespace, query).items);
  }

  /**
   * Creates the object with full API semantics (namespace must exist, defaults, validation,
   * status reset), exactly as a POST would.
   */
  create(object: KubeObject): KubeObject {
    const def = this.definition(object.apiVersion, object.kind);
    return structuredClone(this.operations.create(def, object.metadata.namespace ?? 'default', structuredClone(object)).object);
  }

  /**
   * Stores the object as given, creating or replacing it: no admission, no subresource split,
   * no resourceVersion check — the way simulators set a Job's or Pod's status. uid,
   * creationTimestamp and generation are filled in when absent; the namespace defaults to `default`.
   */
  put(object: KubeObject): KubeObject {
    const def = this.definition(object.apiVersion, object.kind);
    return structuredClone(this.operations.putRaw(def, object));
  }

  /**
   * Deletes with API semantics (finalizers, cascading). Returns true when the object is gone,
   * false when finalizers keep it; throws 404 when it does not exist.
   */
  delete(ref: ObjectRef, propagationPolicy?: PropagationPolicy): boolean {
    const def = this.definition(ref.apiVersion, ref.kind);
    return this.operations.delete(def, ref.namespace ?? 'default', ref.name, propagationPolicy ? { propagationPolicy } : {}).removed;
  }

  /** Creates a namespace if it does not exist yet (tests need one before namespaced creates). */
  ensureNamespace(name: string): void {
    if (this.get({ apiVersion: 'v1', kind: 'Namespace', name })) return;
    this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
}
