import { isJsonObject, type JsonObject } from './types.ts';

/*
 * Pruning and defaulting of a custom resource against its structural openAPIV3Schema, in the order
 * the apiserver applies them: unknown fields are dropped, nulls of non-nullable fields are dropped,
 * then defaults fill what is missing (recursively, so a defaulted `{}` receives its children's defaults).
 */

/** Root fields every object keeps whatever its schema says. */
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Result of normalising one object: the pruned field paths (`.spec.foo`) for strict/warn field validation. */
export interface NormalizeResult {
  value: unknown;
  unknownFields: string[];
}

function keepsUnknownFields(schema: JsonObject): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
}

function childPath(path: string, key: string): string {
  return `${path}.${key}`;
}

function normalizeValue(value: unknown, schema: JsonObject, path: string, unknown: string[]): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (!isJsonObject(items)) return value;
    return value.map((item, i) => normalizeValue(item, items, `${path}[${i}]`, unknown));
  }
  if (!isJsonObject(value)) return value;
  if (schema['x-kubernetes-int-or-string'] === true) return value;
  const properties = isJsonObject(schema.properties) ? schema.properties : undefined;
  const additional = isJsonObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  const keepAll = keepsUnknownFields(schema) || (properties === undefined && additional === undefined && schema.type !== 'object');
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties && isJsonObject(properties[key]) ? properties[key] : additional;
    if (childSchema === undefined) {
      if (keepAll || (embedded && ROOT_FIELDS.has(key))) result[key] = child;
      else unknown.push(childPath(path, key));
      continue;
    }
    // Nulls of non-nullable fields are dropped before defaulting, so the default applies instead.
    if (child === null && childSchema.nullable !== true) continue;
    result[key] = normalizeValue(child, childSchema, childPath(path, key), unknown);
  }
  if (properties) {
    for (const [key, childSchema] of Object.entries(properties)) {
      if (result[key] !== undefined || !isJsonObject(childSchema) || childSchema.default === undefined) continue;
      result[key] = normalizeValue(structuredClone(childSchema.default), childSchema, childPath(path, key), []);
    }
  }
  return result;
}

/**
 * Prunes unknown fields, drops disallowed nulls and applies defaults to a whole custom resource.
 * `apiVersion`, `kind` and `metadata` are never pruned; the input is not modified.
 */
export function normalizeCustomResource(object: JsonObject, schema: JsonObject): NormalizeResult {
  const unknownFields: string[] = [];
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(object)) {
    if (ROOT_FIELDS.has(key)) {
      result[key] = child;
      continue;
    }
    const childSchema = properties[key];
    if (!isJsonObject(childSchema)) {
      if (keepsUnknownFields(schema)) result[key] = child;
      else unknownFields.push(`.${key}`);
      continue;
    }
    if (child === null && childSchema.nullable !== true) continue;
    result[key] = normalizeValue(child, childSchema, `.${key}`, unknownFields);
  }
  for (const [key, childSchema] of Object.entries(properties)) {
    if (ROOT_FIELDS.has(key) || result[key] !== undefined) continue;
    if (!isJsonObject(childSchema) || childSchema.default === undefined) continue;
    result[key] = normalizeValue(structuredClone(childSchema.default), childSchema, `.${key}`, []);
  }
  return { value: result, unknownFields };
}
