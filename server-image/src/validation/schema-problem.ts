import type { TLocalizedValidationError } from 'typebox/error';

/** One reason a request body was refused: the field at fault and what is wrong with it. */
export interface SchemaProblem {
  readonly field: string;
  readonly message: string;
}

/** Something that lists schema violations (a compiled TypeBox validator). */
export interface ErrorLister {
  Errors(value: unknown): TLocalizedValidationError[];
}

/**
 * The first schema violation of `value`, with its location written the way a caller would in code
 * (`candles[3].close`, `inputs[0].shape`) below `prefix`; a problem with the whole value is reported
 * as `body`. Undefined when the value is valid.
 */
export function firstSchemaProblem(validator: ErrorLister, value: unknown, prefix = ''): SchemaProblem | undefined {
  // "schema is false" duplicates the clearer additionalProperties error; anyOf only says "no branch fits".
  const errors = validator.Errors(value);
  const error = errors.find((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf') ?? errors[0];
  if (error === undefined) return undefined;
  const params = (error.params ?? {}) as { additionalProperties?: string[]; requiredProperties?: string[] };
  const named = params.additionalProperties?.[0] ?? params.requiredProperties?.[0];
  const segments = error.instancePath.split('/').filter(Boolean).map(unescapePointer);
  if (named !== undefined) segments.push(named);
  const field = joinPath(prefix, segments) || 'body';
  if (params.additionalProperties) return { field, message: 'is not a known field' };
  if (params.requiredProperties) return { field, message: 'is required' };
  return { field, message: error.message };
}

/**
 * The first own key of `value` that is not one of `known`, as TypeBox reports it under
 * `additionalProperties: false`; looked for directly because TypeBox's error listing costs much more
 * per key.
 */
export function firstUnknownProperty(value: object, known: readonly string[], prefix = ''): SchemaProblem | undefined {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) return { field: joinPath(prefix, [key]) || 'body', message: 'is not a known field' };
  }
  return undefined;
}

/** `base` followed by path segments: indices as `[3]`, names as `.name`. */
export function joinPath(base: string, segments: readonly string[]): string {
  let path = base;
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path = path === '' ? segment : `${path}.${segment}`;
  }
  return path;
}

/** Undo JSON Pointer escaping (RFC 6901) of one path segment. */
function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}
