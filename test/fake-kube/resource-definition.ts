import type { StatusCause } from './api-error.ts';
import type { JsonObject, KubeObject } from './types.ts';

/** An additionalPrinterColumns entry of a CRD version (or a built-in table column). */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** What a built-in resource adds to the generic object semantics. */
export interface ResourceHooks {
  /** Served form → stored form (events.k8s.io Events are stored as core Events). */
  toStored?(served: KubeObject): KubeObject;
  /** Stored form → served form of this resource's version. */
  fromStored?(stored: KubeObject): KubeObject;
  /** Status a freshly created object starts with; `undefined` drops the field. */
  initialStatus?(object: KubeObject): unknown;
  /** Server-side defaults applied on create (mutates the new object). */
  prepareForCreate?(object: KubeObject): void;
  /** Field errors of a create, beyond name checks (built-in validation the operator must respect). */
  validateCreate?(object: KubeObject): StatusCause[];
  /** Field errors of an update, e.g. immutable fields. */
  validateUpdate?(previous: KubeObject, next: KubeObject): StatusCause[];
}

/** Everything the fake server knows about one resource in one served version. */
export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  hasStatusSubresource: boolean;
  /** PUT without metadata.resourceVersion is allowed (built-ins) or refused with 422 (custom resources). */
  allowsUnconditionalUpdate: boolean;
  /** metadata.generation is set on create and bumped on spec changes (kinds with a spec/status split). */
  tracksGeneration: boolean;
  /** All served versions of one resource share this key (and so one set of objects). */
  storageKey: string;
  /** Names must be DNS-1123 subdomains (most kinds) or labels (Namespaces, Services). */
  nameRule: 'subdomain' | 'label';
  /** DELETE answers with the deleted object (true) or with a `Status` (false), as the real registry does. */
  returnsDeletedObject: boolean;
  /** Propagation applied when a DELETE names none (Jobs still orphan their Pods by default). */
  defaultPropagation: 'Background' | 'Orphan';
  /** openAPIV3Schema of a custom resource version: validation, pruning and defaulting. */
  schema?: JsonObject;
  /** Table columns after Name; absent means Name + Age. */
  printerColumns?: PrinterColumn[];
  /** Name of the CRD that defines this resource. */
  crdName?: string;
  hooks: ResourceHooks;
}

/** The full verb list every served resource supports here. */
export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `apps/v1` or `v1` for the core group. */
export function groupVersion(def: { group: string; version: string }): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** Splits `apps/v1` into group and version (core `v1` has group ''). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Orders Kubernetes versions as the apiserver does: GA > beta > alpha, higher numbers first. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = rank(a);
  const [sb, mb, nb] = rank(b);
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  if (na !== nb) return nb - na;
  return a.localeCompare(b);
}
