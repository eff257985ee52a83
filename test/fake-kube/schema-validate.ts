import type { StatusCause } from './api-error.ts';
import { isJsonObject, jsonEqual, type JsonObject } from './types.ts';

/*
 * Validation of a custom resource against its openAPIV3Schema, with the messages the apiserver
 * (kube-openapi + apimachinery field errors) produces, e.g.
 *   spec.model.window: Invalid value: 2: spec.model.window in body should be greater than or equal to 8
 *
 * x-kubernetes-validations: only the transition rule `self == oldSelf` (immutability) is evaluated;
 * every other CEL rule is ignored because the fake server has no CEL interpreter.
 */

/** Renders a value the way apimachinery prints it after "Invalid value:". */
function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'null';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isJsonObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const IMMUTABLE_RULE = /^\s*self\s*==\s*oldSelf\s*$/;
const compiledPatterns = new Map<string, RegExp>();

/** CRD patterns are compiled once: a benchmark validates the same schema thousands of times. */
function patternRegExp(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) compiledPatterns.set(pattern, (compiled = new RegExp(pattern)));
  return compiled;
}

class Validator {
  readonly causes: StatusCause[] = [];

  private add(field: string, reason: string, message: string): void {
    this.causes.push({ reason, message, field });
  }

  private invalid(field: string, value: unknown, detail: string): void {
    this.add(field, 'FieldValueInvalid', `Invalid value: ${formatValue(value)}: ${field} in body ${detail}`);
  }

  validate(value: unknown, schema: JsonObject, field: string, old: unknown): void {
    if (value === null) {
      if (schema.nullable === true) return;
    }
    if (!this.checkType(value, schema, field)) return;
    this.checkEnum(value, schema, field);
    if (typeof value === 'number') this.checkNumber(value, schema, field);
    if (typeof value === 'string') this.checkString(value, schema, field);
    if (Array.isArray(value)) this.checkArray(value, schema, field);
    if (isJsonObject(value)) this.checkObject(value, schema, field, old);
    this.checkCombinators(value, schema, field);
    this.checkTransitionRules(value, schema, field, old);
  }

  private checkType(value: unknown, schema: JsonObject, field: string): boolean {
    if (schema['x-kubernetes-int-or-string'] === true) {
      if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return true;
      this.add(field, 'FieldValueTypeInvalid', `Invalid value: ${formatValue(typeName(value))}: ${field} in body must be of type integer or string: ${formatValue(typeName(value))}`);
      return false;
    }
    const type = schema.type;
    if (typeof type !== 'string' || hasType(value, type)) return true;
    const actual = typeName(value);
    this.add(field, 'FieldValueTypeInvalid', `Invalid value: "${actual}": ${field} in body must be of type ${type}: "${actual}"`);
    return false;
  }

  private checkEnum(value: unknown, schema: JsonObject, field: string): void {
    const allowed = schema.enum;
    if (!Array.isArray(allowed) || allowed.some((a) => jsonEqual(a, value))) return;
    const list = allowed.map((a) => formatValue(a)).join(', ');
    this.add(field, 'FieldValueNotSupported', `Unsupported value: ${formatValue(value)}: supported values: ${list}`);
  }

  private checkNumber(value: number, schema: JsonObject, field: string): void {
    const { minimum, maximum, multipleOf } = schema;
    if (typeof minimum === 'number') {
      const exclusive = schema.exclusiveMinimum === true;
      if (exclusive ? value <= minimum : value < minimum) {
        this.invalid(field, value, `should be greater than ${exclusive ? '' : 'or equal to '}${minimum}`);
      }
    }
    if (typeof maximum === 'number') {
      const exclusive = schema.exclusiveMaximum === true;
      if (exclusive ? value >= maximum : value > maximum) {
        this.invalid(field, value, `should be less than ${exclusive ? '' : 'or equal to '}${maximum}`);
      }
    }
    if (typeof multipleOf === 'number' && multipleOf > 0 && !Number.isInteger(value / multipleOf)) {
      this.invalid(field, value, `should be a multiple of ${multipleOf}`);
    }
  }

  private checkString(value: string, schema: JsonObject, field: string): void {
    const { maxLength, minLength, pattern, format } = schema;
    if (typeof maxLength === 'number' && value.length > maxLength) {
      this.add(field, 'FieldValueTooLong', `Too long: may not be more than ${maxLength} bytes`);
    }
    if (typeof minLength === 'number' && value.length < minLength) {
      this.invalid(field, value, `should be at least ${minLength} chars long`);
    }
    if (typeof pattern === 'string' && !patternRegExp(pattern).test(value)) {
      this.invalid(field, value, `should match '${pattern}'`);
    }
    if ((format === 'date-time' && !DATE_TIME.test(value)) || (format === 'date' && !DATE.test(value))) {
      this.invalid(field, value, `must be of type ${format}: ${formatValue(value)}`);
    }
  }

  private checkArray(value: unknown[], schema: JsonObject, field: string): void {
    const { maxItems, minItems, items } = schema;
    if (typeof maxItems === 'number' && value.length > maxItems) {
      this.add(field, 'FieldValueTooMany', `Too many: ${value.length}: must have at most ${maxItems} items`);
    }
    if (typeof minItems === 'number' && value.length < minItems) {
      this.invalid(field, value.length, `should have at least ${minItems} items`);
    }
    this.checkListUniqueness(value, schema, field);
    if (isJsonObject(items)) value.forEach((item, i) => this.validate(item, items, `${field}[${i}]`, undefined));
  }

  private checkListUniqueness(value: unknown[], schema: JsonObject, field: string): void {
    const listType = schema['x-kubernetes-list-type'];
    const mapKeys = schema['x-kubernetes-list-map-keys'];
    if (listType !== 'set' && listType !== 'map') return;
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const identity =
        listType === 'map' && Array.isArray(mapKeys) && isJsonObject(item)
          ? Object.fromEntries(mapKeys.map((k) => [String(k), item[String(k)]]))
          : item;
      const key = JSON.stringify(identity);
      if (seen.has(key)) this.add(`${field}[${i}]`, 'FieldValueDuplicate', `Duplicate value: ${formatValue(identity)}`);
      seen.add(key);
    });
  }

  private checkObject(value: JsonObject, schema: JsonObject, field: string, old: unknown): void {
    const properties = isJsonObject(schema.properties) ? schema.properties : {};
    const additional = isJsonObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
    const oldObject = isJsonObject(old) ? old : undefined;
    if (Array.isArray(schema.required)) {
      for (const key of schema.required) {
        if (value[String(key)] === undefined) this.add(`${field}.${String(key)}`, 'FieldValueRequired', 'Required value');
      }
    }
    const count = Object.keys(value).length;
    if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) {
      this.add(field, 'FieldValueTooMany', `Too many: ${count}: must have at most ${schema.maxProperties} items`);
    }
    if (typeof schema.minProperties === 'number' && count < schema.minProperties) {
      this.invalid(field, count, `should have at least ${schema.minProperties} properties`);
    }
    for (const [key, child] of Object.entries(value)) {
      const childSchema = isJsonObject(properties[key]) ? properties[key] : additional;
      if (childSchema === undefined || child === undefined) continue;
      this.validate(child, childSchema, `${field}.${key}`, oldObject?.[key]);
    }
  }

  private failures(value: unknown, schema: JsonObject, field: string, old: unknown): number {
    const nested = new Validator();
    nested.validate(value, schema, field, old);
    return nested.causes.length;
  }

  private checkCombinators(value: unknown, schema: JsonObject, field: string): void {
    const subschemas = (key: string): JsonObject[] => (Array.isArray(schema[key]) ? (schema[key] as unknown[]).filter(isJsonObject) : []);
    for (const sub of subschemas('allOf')) this.validate(value, sub, field, undefined);
    const anyOf = subschemas('anyOf');
    if (anyOf.length > 0 && anyOf.every((s) => this.failures(value, s, field, undefined) > 0)) {
      this.invalid(field, value, 'must validate at least one schema (anyOf)');
    }
    const oneOf = subschemas('oneOf');
    if (oneOf.length > 0 && oneOf.filter((s) => this.failures(value, s, field, undefined) === 0).length !== 1) {
      this.invalid(field, value, 'must validate one and only one schema (oneOf)');
    }
    if (isJsonObject(schema.not) && this.failures(value, schema.not, field, undefined) === 0) {
      this.invalid(field, value, 'must not validate the schema (not)');
    }
  }

  private checkTransitionRules(value: unknown, schema: JsonObject, field: string, old: unknown): void {
    const rules = schema['x-kubernetes-validations'];
    if (!Array.isArray(rules) || old === undefined) return;
    for (const rule of rules) {
      if (!isJsonObject(rule) || typeof rule.rule !== 'string' || !IMMUTABLE_RULE.test(rule.rule)) continue;
      if (jsonEqual(value, old)) continue;
      const message = typeof rule.message === 'string' ? rule.message : `failed rule: ${rule.rule.trim()}`;
      const fieldPath = typeof rule.fieldPath === 'string' ? `${field}${rule.fieldPath}` : field;
      this.add(fieldPath, typeof rule.reason === 'string' ? rule.reason : 'FieldValueInvalid', `Invalid value: "${typeName(value)}": ${message}`);
    }
  }
}

/**
 * Validates a whole custom resource (already pruned and defaulted) against its schema. `previous`
 * is the stored object on updates: it feeds the `self == oldSelf` transition rules.
 * metadata is not validated here (the name is checked by the generic object rules).
 */
export function validateCustomResource(object: JsonObject, schema: JsonObject, previous?: JsonObject): StatusCause[] {
  const validator = new Validator();
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const key of schema.required) {
      if (object[String(key)] === undefined) validator.causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: String(key) });
    }
  }
  for (const [key, child] of Object.entries(object)) {
    if (key === 'metadata' || key === 'apiVersion' || key === 'kind') continue;
    const childSchema = properties[key];
    if (!isJsonObject(childSchema) || child === undefined) continue;
    validator.validate(child, childSchema, key, previous?.[key]);
  }
  return validator.causes;
}
