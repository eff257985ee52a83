/**
 * Conversion of TypeBox (JSON Schema 2020-12) schemas into the OpenAPI v3 "structural schema" dialect that
 * CustomResourceDefinitions require: enums instead of const unions, `nullable` instead of null unions,
 * boolean exclusive bounds, `additionalProperties` for maps, and no `required` for defaulted fields
 * (the API server applies defaults before it validates).
 */
export type OpenApiSchema = { [key: string]: unknown };

const KEPT = new Set([
  'type', 'format', 'description', 'default', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern',
  'minItems', 'maxItems', 'enum', 'nullable', 'minProperties', 'maxProperties',
]);

/** Convert one JSON Schema node (and its children) to a CRD structural schema node. */
export function toStructuralSchema(schema: unknown): OpenApiSchema {
  if (typeof schema !== 'object' || schema === null) throw new Error(`schema node must be an object, got ${JSON.stringify(schema)}`);
  const node = schema as Record<string, unknown>;
  const out: OpenApiSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (KEPT.has(key) || key.startsWith('x-kubernetes-')) out[key] = value;
  }
  if (Array.isArray(node.anyOf)) return { ...convertUnion(node.anyOf as Record<string, unknown>[], node), ...out };
  if ('const' in node) out.enum = [node.const];
  if (typeof node.exclusiveMinimum === 'number') Object.assign(out, { minimum: node.exclusiveMinimum, exclusiveMinimum: true });
  if (typeof node.exclusiveMaximum === 'number') Object.assign(out, { maximum: node.exclusiveMaximum, exclusiveMaximum: true });
  if (node.items !== undefined) out.items = toStructuralSchema(node.items);
  if (node.type === 'object') Object.assign(out, convertObject(node));
  // A structural schema types every node; the API server refuses a CRD with an untyped field.
  if (out.type === undefined) throw new Error(`schema node has no type: ${JSON.stringify(schema)}`);
  return out;
}

function convertObject(node: Record<string, unknown>): OpenApiSchema {
  const out: OpenApiSchema = {};
  const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties && Object.keys(properties).length > 0) {
    out.properties = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, toStructuralSchema(child)]));
    const required = ((node.required as string[] | undefined) ?? []).filter((name) => properties[name]?.default === undefined);
    if (required.length > 0) out.required = required;
  }
  const patterns = node.patternProperties as Record<string, unknown> | undefined;
  if (patterns) {
    const [only, ...rest] = Object.values(patterns);
    if (only === undefined || rest.length > 0) throw new Error('a map schema must have exactly one value schema');
    out.additionalProperties = toStructuralSchema(only);
  } else if (typeof node.additionalProperties === 'object') {
    out.additionalProperties = toStructuralSchema(node.additionalProperties);
  } else if ((!properties || Object.keys(properties).length === 0) && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    // Unknown fields are pruned or refused unless a schema opts out on purpose, with its reason beside it.
    throw new Error('an object without declared fields needs x-kubernetes-preserve-unknown-fields: true (say why) or additionalProperties');
  }
  return out;
}

function convertUnion(branches: Record<string, unknown>[], node: Record<string, unknown>): OpenApiSchema {
  const nonNull = branches.filter((b) => b.type !== 'null');
  const nullable = nonNull.length < branches.length;
  if (nonNull.length > 0 && nonNull.every((b) => 'const' in b)) {
    const types = new Set(nonNull.map((b) => typeof b.const));
    if (types.size !== 1) throw new Error('an enum must hold values of one type');
    const type = [...types][0] === 'number' ? 'number' : [...types][0];
    return { type, enum: nonNull.map((b) => b.const), ...(nullable ? { nullable: true } : {}) };
  }
  if (nonNull.length === 1) return { ...toStructuralSchema(nonNull[0]), ...(nullable ? { nullable: true } : {}) };
  if (node['x-kubernetes-int-or-string'] === true) {
    return { anyOf: nonNull.map((b) => ({ type: b.type })) };
  }
  throw new Error(`union of ${JSON.stringify(branches)} has no structural form`);
}
