import { badRequest } from './api-error.ts';
import { isJsonObject, type KubeObject } from './types.ts';

/** A compiled selector: true when the object matches. */
export type ObjectPredicate = (object: KubeObject) => boolean;

type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: Set<string> };

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses (`a in (x,y),b`). */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function checkKey(key: string, selector: string): string {
  if (!LABEL_KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

function parseRequirement(term: string, selector: string): LabelRequirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const values = new Set((setMatch[3] ?? '').split(',').map((v) => v.trim()).filter((v) => v !== ''));
    return { key: checkKey(setMatch[1] ?? '', selector), op: setMatch[2] as 'in' | 'notin', values };
  }
  const equality = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (equality) {
    const key = checkKey(equality[1] ?? '', selector);
    const value = equality[3] ?? '';
    if (value.length > 63 || !LABEL_VALUE.test(value)) throw badRequest(`unable to parse requirement: invalid label value: "${value}" in selector "${selector}"`);
    const values = new Set([value]);
    return equality[2] === '!=' ? { key, op: 'notin', values } : { key, op: 'in', values };
  }
  if (term.startsWith('!')) return { key: checkKey(term.slice(1).trim(), selector), op: 'notexists' };
  return { key: checkKey(term, selector), op: 'exists' };
}

function matchesLabels(requirement: LabelRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.op) {
    case 'exists':
      return present;
    case 'notexists':
      return !present;
    case 'in':
      return present && requirement.values.has(value ?? '');
    case 'notin':
      return !present || !requirement.values.has(value ?? '');
  }
}

/** Compiles a label selector (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`); empty matches all. */
export function parseLabelSelector(selector: string | undefined): ObjectPredicate {
  if (selector === undefined || selector.trim() === '') return () => true;
  const requirements = splitTopLevel(selector).map((term) => parseRequirement(term, selector));
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((r) => matchesLabels(r, labels));
  };
}

function fieldValue(object: KubeObject, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) current = isJsonObject(current) ? current[part] : undefined;
  if (current === undefined || current === null) return '';
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}

/**
 * Compiles a field selector (`metadata.name=x,metadata.namespace!=y`). Any dotted field path is
 * accepted (the real server only allows a per-kind list such as metadata.name, status.phase).
 */
export function parseFieldSelector(selector: string | undefined): ObjectPredicate {
  if (selector === undefined || selector.trim() === '') return () => true;
  const terms = splitTopLevel(selector).map((term) => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector "${selector}": "${term}" is not field=value or field!=value`);
    return { path: m[1] ?? '', negate: m[2] === '!=', value: (m[3] ?? '').trim() };
  });
  return (object) => terms.every((t) => (fieldValue(object, t.path) === t.value) !== t.negate);
}

/** Pulls `metadata.name=x` out of a field selector so a list can look the object up directly. */
export function exactNameFromFieldSelector(selector: string | undefined): string | undefined {
  if (selector === undefined) return undefined;
  for (const term of splitTopLevel(selector)) {
    const m = /^metadata\.name\s*==?\s*(\S+)$/.exec(term);
    if (m) return m[1];
  }
  return undefined;
}
