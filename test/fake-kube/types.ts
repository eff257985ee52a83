/** A JSON object as it travels over the wire. */
export type JsonObject = Record<string, unknown>;

/** An owner reference, as the garbage collector reads it. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The metadata fields the fake server manages or reads; anything else is kept as sent. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

/** Any Kubernetes object: apiVersion, kind, metadata and free-form content. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // Declared so callers can assert a KubeObject to their own `{ spec: … }` / `{ status: … }` shapes.
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

/** A source of the current time, injected so tests control creation and deletion timestamps. */
export interface Clock {
  now(): Date | number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Current time of `clock` as a Date. */
export function clockDate(clock: Clock): Date {
  const now = clock.now();
  return now instanceof Date ? now : new Date(now);
}

/** Kubernetes timestamps carry whole seconds only (RFC 3339, `Z`). */
export function kubeTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** True for a non-null, non-array object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
    const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    if (aKeys.length !== bKeys.length) return false;
    for (const key of aKeys) if (!jsonEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}
