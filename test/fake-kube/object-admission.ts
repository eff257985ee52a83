import { randomUUID } from 'node:crypto';
import { badRequest, forbidden, invalid, type StatusCause } from './api-error.ts';
import { nameCauses } from './object-names.ts';
import { groupVersion, type ResourceDefinition } from './resource-definition.ts';
import { normalizeCustomResource } from './schema-normalize.ts';
import { validateCustomResource } from './schema-validate.ts';
import { isJsonObject, jsonEqual, type KubeObject } from './types.ts';

/*
 * What the apiserver does to an object between the request body and storage: system metadata,
 * the status subresource split, generation, CRD schema pruning/defaulting/validation and the
 * built-in hooks. Works on served-version objects; storage conversion happens around it.
 */

/** How unknown fields of custom resources are handled (the `fieldValidation` query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** An admitted object and the warnings to send back in `Warning` headers. */
export interface Admitted {
  object: KubeObject;
  warnings: string[];
}

/** Fields a client may not set: the server owns them. */
const SERVER_OWNED_METADATA = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion', 'managedFields', 'selfLink'];

function withoutServerFields(meta: KubeObject['metadata']): KubeObject['metadata'] {
  const copy = { ...meta };
  for (const field of SERVER_OWNED_METADATA) delete copy[field];
  return copy;
}

function fail(def: ResourceDefinition, name: string, causes: StatusCause[]): never {
  throw invalid(def.kind, def.group, name, causes);
}

/** Checks apiVersion/kind of a body against the endpoint it was sent to (missing ones are filled in). */
function checkTypeMeta(def: ResourceDefinition, body: KubeObject): void {
  const expected = groupVersion(def);
  if (body.apiVersion !== undefined && body.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${def.kind})`);
  }
}

/** Validates, prunes and defaults a custom resource against its CRD schema. */
function admitSchema(def: ResourceDefinition, object: KubeObject, previous: KubeObject | undefined, mode: FieldValidation): Admitted {
  if (!def.schema) return { object, warnings: [] };
  const { value, unknownFields } = normalizeCustomResource(object, def.schema);
  const described = unknownFields.map((f) => `unknown field "${f.slice(1)}"`);
  if (described.length > 0 && mode === 'Strict') {
    throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${described.join(', ')}`);
  }
  const admitted = value as KubeObject;
  const causes = validateCustomResource(admitted, def.schema, previous);
  if (causes.length > 0) fail(def, admitted.metadata.name ?? '', causes);
  return { object: admitted, warnings: mode === 'Warn' ? described : [] };
}

/** Builds the object a create stores: system metadata, initial status, defaults, validation. */
export function admitCreate(def: ResourceDefinition, body: KubeObject, namespace: string, now: string, mode: FieldValidation): Admitted {
  checkTypeMeta(def, body);
  const name = body.metadata.name ?? '';
  const meta = withoutServerFields(body.metadata);
  if (def.namespaced) meta.namespace = namespace;
  else delete meta.namespace;
  const object: KubeObject = {
    ...structuredClone(body),
    apiVersion: groupVersion(def),
    kind: def.kind,
    metadata: { ...structuredClone(meta), uid: randomUUID(), creationTimestamp: now, ...(def.tracksGeneration ? { generation: 1 } : {}) },
  };
  const causes = name === '' ? [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] : nameCauses(name, def.nameRule);
  if (causes.length > 0) fail(def, name, causes);
  if (def.hasStatusSubresource) {
    const status = def.hooks.initialStatus?.(object);
    if (status === undefined) delete object.status;
    else object.status = status;
  }
  def.hooks.prepareForCreate?.(object);
  const hookCauses = def.hooks.validateCreate?.(object) ?? [];
  if (hookCauses.length > 0) fail(def, name, hookCauses);
  return admitSchema(def, object, undefined, mode);
}

/** True when anything but metadata and status differs: the rule for bumping metadata.generation. */
function specChanged(previous: KubeObject, next: KubeObject): boolean {
  const keys = new Set([...Object.keys(previous), ...Object.keys(next)]);
  for (const key of keys) {
    if (key === 'metadata' || key === 'status' || key === 'apiVersion' || key === 'kind') continue;
    if (!jsonEqual(previous[key], next[key])) return true;
  }
  return false;
}

/**
 * Builds the object an update stores from the stored `previous` (served form) and the request
 * `body`. The main resource ignores status changes when the status subresource exists; the
 * `status` subresource ignores everything but status.
 */
export function admitUpdate(
  def: ResourceDefinition,
  previous: KubeObject,
  body: KubeObject,
  subresource: 'status' | undefined,
  mode: FieldValidation,
): Admitted {
  checkTypeMeta(def, body);
  const name = previous.metadata.name ?? '';
  if (body.metadata.name !== undefined && body.metadata.name !== name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (def.namespaced && body.metadata.namespace !== undefined && body.metadata.namespace !== previous.metadata.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  let next: KubeObject;
  if (subresource === 'status') {
    next = { ...previous };
    if (body.status === undefined) delete next.status;
    else next.status = structuredClone(body.status);
  } else {
    const systemMeta = Object.fromEntries(SERVER_OWNED_METADATA.filter((f) => previous.metadata[f] !== undefined).map((f) => [f, previous.metadata[f]]));
    next = {
      ...structuredClone(body),
      metadata: { ...structuredClone(withoutServerFields(body.metadata)), ...systemMeta, name, namespace: previous.metadata.namespace },
    };
    if (!def.namespaced) delete next.metadata.namespace;
    if (def.hasStatusSubresource) {
      if (previous.status === undefined) delete next.status;
      else next.status = previous.status;
    }
  }
  next.apiVersion = groupVersion(def);
  next.kind = def.kind;
  if (previous.metadata.deletionTimestamp !== undefined) {
    const added = (next.metadata.finalizers ?? []).filter((f) => !(previous.metadata.finalizers ?? []).includes(f));
    if (added.length > 0) {
      fail(def, name, [{ reason: 'FieldValueForbidden', message: 'Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{' + added.map((f) => JSON.stringify(f)).join(', ') + '}', field: 'metadata.finalizers' }]);
    }
  }
  const hookCauses = subresource === 'status' ? [] : (def.hooks.validateUpdate?.(previous, next) ?? []);
  if (hookCauses.length > 0) fail(def, name, hookCauses);
  const admitted = admitSchema(def, next, previous, mode);
  if (def.tracksGeneration && specChanged(previous, admitted.object)) {
    admitted.object.metadata.generation = (previous.metadata.generation ?? 0) + 1;
  }
  return admitted;
}

/** True when an update changes nothing (then the apiserver neither bumps resourceVersion nor emits an event). */
export function isNoOp(previous: KubeObject, next: KubeObject): boolean {
  const { resourceVersion: _a, ...previousMeta } = previous.metadata;
  const { resourceVersion: _b, ...nextMeta } = next.metadata;
  return jsonEqual({ ...previous, metadata: previousMeta }, { ...next, metadata: nextMeta });
}

/** Refuses new content in a terminating namespace, as the namespace lifecycle admission does. */
export function namespaceTerminating(def: ResourceDefinition, name: string, namespace: string): never {
  const resource = def.group === '' ? def.plural : `${def.plural}.${def.group}`;
  throw forbidden(`${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
    name,
    group: def.group,
    kind: def.plural,
    causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
  });
}

/** True for a JSON object body with a metadata object; bodies failing this are 400s. */
export function isKubeObjectBody(body: unknown): body is KubeObject {
  return isJsonObject(body) && (body.metadata === undefined || isJsonObject(body.metadata));
}
