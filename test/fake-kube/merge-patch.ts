import { isJsonObject, jsonEqual, type JsonObject } from './types.ts';

/** Applies an RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/*
 * Strategic merge patch, simplified. The real one reads patch strategies from the Go types; here
 * the merge keys of the list fields the operator and kubectl touch are listed by field name.
 * Lists with a known merge key merge element by element, `finalizers` merges as a set, every other
 * list is replaced. The directives kubectl sends ($patch, $setElementOrder/, $deleteFromPrimitiveList/,
 * $retainKeys) are honoured so they never end up in stored objects.
 */

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

/** Primitive lists whose patch strategy is "merge" (union) instead of replace. */
const SET_LISTS = new Set(['finalizers']);

function mergeKeyFor(field: string, elements: unknown[]): string | undefined {
  if (field === 'ports') return elements.some((e) => isJsonObject(e) && 'containerPort' in e) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

function withoutDirective(element: JsonObject): JsonObject {
  const { $patch: _directive, ...rest } = element;
  return rest;
}

function mergeKeyedList(target: unknown[], patch: unknown[], key: string, setOrder: unknown): unknown[] {
  if (patch.some((e) => isJsonObject(e) && e.$patch === 'replace')) {
    return patch.filter((e) => !(isJsonObject(e) && e.$patch === 'replace')).map((e) => (isJsonObject(e) ? withoutDirective(e) : e));
  }
  const result = [...target];
  for (const element of patch) {
    if (!isJsonObject(element)) {
      result.push(element);
      continue;
    }
    const index = result.findIndex((t) => isJsonObject(t) && jsonEqual(t[key], element[key]));
    if (element.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = applyStrategicMergePatch(result[index], element);
    } else {
      result.push(applyStrategicMergePatch(undefined, element));
    }
  }
  if (!Array.isArray(setOrder)) return result;
  const position = (element: unknown): number => {
    const found = setOrder.findIndex((o) => isJsonObject(o) && isJsonObject(element) && jsonEqual(o[key], element[key]));
    return found < 0 ? setOrder.length : found;
  };
  return result.map((element, i) => ({ element, i })).sort((a, b) => position(a.element) - position(b.element) || a.i - b.i).map((e) => e.element);
}

function mergeList(field: string, target: unknown, patch: unknown[], directives: JsonObject): unknown[] {
  const current = Array.isArray(target) ? target : [];
  const key = mergeKeyFor(field, [...current, ...patch]);
  if (key !== undefined && patch.every(isJsonObject)) return mergeKeyedList(current, patch, key, directives[`$setElementOrder/${field}`]);
  if (SET_LISTS.has(field)) return [...current, ...patch.filter((p) => !current.some((c) => jsonEqual(c, p)))];
  return structuredClone(patch);
}

/** Applies a (simplified) strategic merge patch; see the comment above for the rules. */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'delete') return undefined;
  if (patch.$patch === 'replace') return applyStrategicMergePatch(undefined, withoutDirective(patch));
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(key, result[key], value, patch);
    else {
      const merged = applyStrategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    const field = key.startsWith('$deleteFromPrimitiveList/') ? key.slice('$deleteFromPrimitiveList/'.length) : undefined;
    if (field !== undefined && Array.isArray(value) && Array.isArray(result[field])) {
      result[field] = (result[field] as unknown[]).filter((item) => !value.some((v) => jsonEqual(v, item)));
    }
    const orderField = key.startsWith('$setElementOrder/') ? key.slice('$setElementOrder/'.length) : undefined;
    if (orderField !== undefined && Array.isArray(value) && patch[orderField] === undefined && Array.isArray(result[orderField])) {
      // Order-only directive for a list the patch does not otherwise touch.
      result[orderField] = mergeList(orderField, result[orderField], [], patch);
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const retained = new Set(patch.$retainKeys.map(String));
    for (const key of Object.keys(result)) if (!retained.has(key)) delete result[key];
  }
  return result;
}
