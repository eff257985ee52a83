import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { alreadyExists, badRequest, conflict, invalid, KubeApiError, notFound, STALE_OBJECT_MESSAGE, unsupportedMediaType } from './api-error.ts';
import { CRD_STORAGE_KEY, definitionsFromCrd } from './crd-resources.ts';
import { DeletionController, type PropagationPolicy } from './deletion-controller.ts';
import { applyJsonPatch } from './json-patch.ts';
import { applyMergePatch, applyStrategicMergePatch } from './merge-patch.ts';
import { admitCreate, admitUpdate, isKubeObjectBody, isNoOp, namespaceTerminating, type FieldValidation } from './object-admission.ts';
import { generatedSuffix } from './object-names.ts';
import { pageOf } from './list-paging.ts';
import type { ObjectStore } from './object-store.ts';
import { groupVersion, type ResourceDefinition } from './resource-definition.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import { exactNameFromFieldSelector, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { clockDate, kubeTimestamp, type Clock, type KubeObject } from './types.ts';

/** Filters and paging of a list call. */
export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
}

/** A page of served objects plus the list metadata. */
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

/** Options shared by create, update and patch. */
export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  subresource?: 'status';
}

/** A written object (served form), whether it was created, and warnings for `Warning` headers. */
export interface WriteResult {
  object: KubeObject;
  created: boolean;
  warnings: string[];
}

/** DeleteOptions that change the outcome. */
export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** The patch content types the server accepts, by short name. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/**
 * The API verbs on top of the store: each takes a resource definition (the served version) and
 * works in served form; storage conversion, admission and deletion semantics happen here.
 */
export class ResourceOperations {
  readonly deletion: DeletionController;
  private readonly registry: ResourceRegistry;
  private readonly store: ObjectStore;
  private readonly clock: Clock;

  constructor(registry: ResourceRegistry, store: ObjectStore, clock: Clock) {
    this.registry = registry;
    this.store = store;
    this.clock = clock;
    this.deletion = new DeletionController(store, clock, (crd) => this.removeCrdResources(crd));
  }

  /** A stored object in the served shape of `def`'s version. */
  serve(def: ResourceDefinition, stored: KubeObject): KubeObject {
    if (def.hooks.fromStored) return def.hooks.fromStored(stored);
    const apiVersion = groupVersion(def);
    return stored.apiVersion === apiVersion && stored.kind === def.kind ? stored : { ...stored, apiVersion, kind: def.kind };
  }

  private toStored(def: ResourceDefinition, served: KubeObject): KubeObject {
    return def.hooks.toStored ? def.hooks.toStored(served) : served;
  }

  private stored(def: ResourceDefinition, namespace: string, name: string): KubeObject {
    const object = this.store.get(def.storageKey, def.namespaced ? namespace : '', name);
    if (!object) throw notFound(def, name);
    return object;
  }

  /** GET one object. */
  get(def: ResourceDefinition, namespace: string, name: string): KubeObject {
    return this.serve(def, this.stored(def, namespace, name));
  }

  /** LIST, optionally filtered by selectors and paged with limit/continue (ordered by namespace/name). */
  list(def: ResourceDefinition, namespace: string | undefined, query: ListQuery): ListResult {
    const matchesLabels = parseLabelSelector(query.labelSelector);
    const matchesFields = parseFieldSelector(query.fieldSelector);
    const scope = def.namespaced ? namespace : undefined;
    const exactName = exactNameFromFieldSelector(query.fieldSelector);
    const candidates =
      exactName !== undefined && (scope !== undefined || !def.namespaced)
        ? [this.store.get(def.storageKey, scope ?? '', exactName)].filter((o): o is KubeObject => o !== undefined)
        : this.store.list(def.storageKey, scope);
    const resourceVersion = String(this.store.resourceVersion);
    const items = candidates.map((o) => this.serve(def, o)).filter((o) => matchesLabels(o) && matchesFields(o));
    return { ...pageOf(items, query.limit, query.continueToken), resourceVersion };
  }

  /** POST: creates an object (generateName resolved here); 409 AlreadyExists when the name is taken. */
  create(def: ResourceDefinition, namespace: string, body: KubeObject, options: WriteOptions = {}): WriteResult {
    if (body.metadata.resourceVersion !== undefined && body.metadata.resourceVersion !== '') {
      // What etcd3 storage answers; the apiserver passes it through as a 500.
      throw new KubeApiError(500, 'InternalError', 'resourceVersion should not be set on objects to be created');
    }
    if (def.namespaced) this.requireLiveNamespace(def, body.metadata.name ?? body.metadata.generateName ?? '', namespace);
    const named = this.resolveName(def, namespace, body);
    const { object, warnings } = admitCreate(def, named, namespace, kubeTimestamp(clockDate(this.clock)), options.fieldValidation ?? 'Warn');
    const name = object.metadata.name ?? '';
    if (this.store.get(def.storageKey, def.namespaced ? namespace : '', name)) throw alreadyExists(def, name);
    if (options.dryRun) return { object, created: true, warnings };
    const stored = this.store.write(def.storageKey, this.toStored(def, object));
    if (def.storageKey === CRD_STORAGE_KEY) this.syncCrd(stored);
    return { object: this.serve(def, stored), created: true, warnings };
  }

  /** PUT (main resource or `/status`): 409 Conflict when body.metadata.resourceVersion is stale. */
  update(def: ResourceDefinition, namespace: string, name: string, body: KubeObject, options: WriteOptions = {}): WriteResult {
    const current = this.stored(def, namespace, name);
    const sentVersion = body.metadata.resourceVersion;
    if ((sentVersion === undefined || sentVersion === '') && !def.allowsUnconditionalUpdate) {
      throw invalid(def.kind, def.group, name, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' }]);
    }
    if (sentVersion !== undefined && sentVersion !== '' && sentVersion !== current.metadata.resourceVersion) {
      throw conflict(def, name, STALE_OBJECT_MESSAGE);
    }
    return this.commitUpdate(def, current, body, options);
  }

  private commitUpdate(def: ResourceDefinition, current: KubeObject, body: KubeObject, options: WriteOptions): WriteResult {
    const previous = this.serve(def, current);
    const { object, warnings } = admitUpdate(def, previous, body, options.subresource, options.fieldValidation ?? 'Warn');
    if (isNoOp(previous, object) || options.dryRun) return { object: isNoOp(previous, object) ? previous : object, created: false, warnings };
    const stored = this.store.write(def.storageKey, this.toStored(def, object));
    if (def.storageKey === CRD_STORAGE_KEY) this.syncCrd(stored);
    const final = this.deletion.finishIfReleased(def.storageKey, stored);
    return { object: this.serve(def, final), created: false, warnings };
  }

  /** PATCH with any supported patch type; server-side apply creates the object when missing. */
  patch(def: ResourceDefinition, namespace: string, name: string, type: PatchType, rawBody: string, options: WriteOptions = {}): WriteResult {
    if (type === 'strategic' && def.crdName !== undefined) {
      throw unsupportedMediaType('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    const patch = parsePatchBody(type, rawBody);
    if (type === 'apply') return this.apply(def, namespace, name, patch, options);
    const current = this.stored(def, namespace, name);
    const previous = this.serve(def, current);
    const patched = type === 'json' ? applyJsonPatch(previous, patch) : type === 'merge' ? applyMergePatch(previous, patch) : applyStrategicMergePatch(previous, patch);
    if (!isKubeObjectBody(patched)) throw badRequest('the patched object is not a valid object');
    return this.writePatched(def, current, { ...patched, metadata: patched.metadata ?? {} }, options);
  }

  private writePatched(def: ResourceDefinition, current: KubeObject, patched: KubeObject, options: WriteOptions): WriteResult {
    const sentVersion = patched.metadata.resourceVersion;
    if (sentVersion !== undefined && sentVersion !== '' && sentVersion !== current.metadata.resourceVersion) {
      throw conflict(def, current.metadata.name ?? '', STALE_OBJECT_MESSAGE);
    }
    return this.commitUpdate(def, current, patched, options);
  }

  /**
   * Simplified server-side apply: no managedFields and no conflicts. A missing object is created
   * from the applied configuration; an existing one receives it as a strategic-style merge
   * (fields dropped from the configuration are not removed).
   */
  private apply(def: ResourceDefinition, namespace: string, name: string, patch: unknown, options: WriteOptions): WriteResult {
    if (!options.fieldManager) throw badRequest('PATCH /apply requires a fieldManager query parameter');
    if (!isKubeObjectBody(patch) || patch.apiVersion === undefined || patch.kind === undefined) {
      throw badRequest('an applied configuration must be an object with apiVersion and kind');
    }
    const applied: KubeObject = { ...patch, metadata: { ...(patch.metadata ?? {}) } };
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    const current = this.store.get(def.storageKey, def.namespaced ? namespace : '', name);
    if (!current) {
      if (options.subresource === 'status') throw notFound(def, name);
      const { resourceVersion: _ignored, ...metadata } = applied.metadata;
      return this.create(def, namespace, { ...applied, metadata: { ...metadata, name } }, options);
    }
    const merged = applyStrategicMergePatch(this.serve(def, current), applied);
    if (!isKubeObjectBody(merged)) throw badRequest('the applied object is not a valid object');
    const result = { ...merged, metadata: { ...(merged.metadata ?? {}) } };
    if (applied.metadata.resourceVersion === undefined) result.metadata.resourceVersion = current.metadata.resourceVersion;
    return this.writePatched(def, current, result, options);
  }

  /** DELETE: honours preconditions, finalizers and propagationPolicy (default per resource). */
  delete(def: ResourceDefinition, namespace: string, name: string, options: DeleteOptions = {}): { object: KubeObject; removed: boolean } {
    const current = this.stored(def, namespace, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid !== undefined && uid !== current.metadata.uid) {
      throw conflict(def, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
    }
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(def, name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
    }
    if (options.dryRun) return { object: this.serve(def, current), removed: false };
    const outcome = this.deletion.delete(def.storageKey, current, options.propagationPolicy ?? def.defaultPropagation);
    return { object: this.serve(def, outcome.object), removed: outcome.removed };
  }

  /** DELETE on a collection: deletes every object the selectors match, returns them. */
  deleteCollection(def: ResourceDefinition, namespace: string | undefined, query: ListQuery, options: DeleteOptions = {}): KubeObject[] {
    const { items } = this.list(def, namespace, { ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}), ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}) });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      if (!this.store.get(def.storageKey, item.metadata.namespace ?? '', item.metadata.name ?? '')) continue;
      deleted.push(this.delete(def, item.metadata.namespace ?? '', item.metadata.name ?? '', { ...options, preconditions: {} }).object);
    }
    return deleted;
  }

  /** Writes an object as-is (test access): system metadata filled in, no admission, no subresource rules. */
  putRaw(def: ResourceDefinition, object: KubeObject): KubeObject {
    const existing = this.store.get(def.storageKey, def.namespaced ? (object.metadata.namespace ?? 'default') : '', object.metadata.name ?? '');
    const served: KubeObject = structuredClone({ ...object, apiVersion: groupVersion(def), kind: def.kind });
    served.metadata = {
      ...served.metadata,
      uid: served.metadata.uid ?? existing?.metadata.uid ?? randomUUID(),
      creationTimestamp: served.metadata.creationTimestamp ?? existing?.metadata.creationTimestamp ?? kubeTimestamp(clockDate(this.clock)),
    };
    const generation = served.metadata.generation ?? existing?.metadata.generation ?? (def.tracksGeneration ? 1 : undefined);
    if (generation !== undefined) served.metadata.generation = generation;
    if (def.namespaced) served.metadata.namespace = served.metadata.namespace ?? 'default';
    else delete served.metadata.namespace;
    const stored = this.store.write(def.storageKey, this.toStored(def, served));
    if (def.storageKey === CRD_STORAGE_KEY) this.syncCrd(stored);
    return this.serve(def, this.deletion.finishIfReleased(def.storageKey, stored));
  }

  /** Registers (or re-registers) the resources a stored CRD defines. */
  syncCrd(crd: KubeObject): void {
    const name = crd.metadata.name ?? '';
    this.registry.unregisterCrd(name);
    for (const def of definitionsFromCrd(crd)) this.registry.register(def);
  }

  private removeCrdResources(crd: KubeObject): void {
    const defs = definitionsFromCrd(crd);
    this.registry.unregisterCrd(crd.metadata.name ?? '');
    const storageKey = defs[0]?.storageKey;
    if (!storageKey) return;
    for (const object of this.store.list(storageKey)) this.deletion.remove(storageKey, object);
    this.store.hub.closeStorage(storageKey);
  }

  private requireLiveNamespace(def: ResourceDefinition, name: string, namespace: string): void {
    if (namespace === '') throw badRequest('a namespace is required for namespaced resources');
    const ns = this.store.get('namespaces', '', namespace);
    if (!ns) throw notFound({ group: '', plural: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp !== undefined) namespaceTerminating(def, name, namespace);
  }

  private resolveName(def: ResourceDefinition, namespace: string, body: KubeObject): KubeObject {
    const { name, generateName } = body.metadata;
    if ((name !== undefined && name !== '') || !generateName) return body;
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = `${generateName}${generatedSuffix()}`;
      if (!this.store.get(def.storageKey, def.namespaced ? namespace : '', candidate)) {
        return { ...body, metadata: { ...body.metadata, name: candidate } };
      }
    }
    throw alreadyExists(def, generateName);
  }
}

function parsePatchBody(type: PatchType, raw: string): unknown {
  try {
    return type === 'apply' ? parseYaml(raw) : JSON.parse(raw);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}
