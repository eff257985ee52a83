import { isJsonObject } from './types.ts';

/*
 * The JSONPath subset CRD printer columns use: `.spec.x.y`, `['dotted.key']`, `[0]`, `[*]` and
 * filters `[?(@.type=="Ready")]` (==, != or bare existence), optionally wrapped in `{}`.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: string[]; op: '==' | '!=' | 'exists'; value: unknown };

function parseLiteral(text: string): unknown {
  const trimmed = text.trim();
  if (/^(["']).*\1$/.test(trimmed)) return trimmed.slice(1, -1);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  const number = Number(trimmed);
  if (trimmed !== '' && !Number.isNaN(number)) return number;
  throw new Error(`unsupported JSONPath literal ${trimmed}`);
}

function parseFilter(expression: string): Step {
  const m = /^@((?:\.[A-Za-z0-9_-]+)+)\s*(?:(==|!=)\s*(.+))?$/.exec(expression.trim());
  if (!m) throw new Error(`unsupported JSONPath filter ${expression}`);
  const path = (m[1] ?? '').split('.').slice(1);
  if (m[2] === undefined) return { kind: 'filter', path, op: 'exists', value: undefined };
  return { kind: 'filter', path, op: m[2] as '==' | '!=', value: parseLiteral(m[3] ?? '') };
}

function closingBracket(path: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ']') return i;
  }
  throw new Error(`unterminated [ in JSONPath ${path}`);
}

/** Parses a printer-column JSONPath; throws on syntax it does not support. */
export function parseJsonPath(expression: string): Step[] {
  let path = expression.trim();
  if (path.startsWith('{') && path.endsWith('}')) path = path.slice(1, -1).trim();
  if (path.startsWith('$')) path = path.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      const m = /^[A-Za-z0-9_-]+/.exec(path.slice(i + 1));
      if (!m) throw new Error(`expected a field name at ${i + 1} in JSONPath ${expression}`);
      steps.push({ kind: 'field', name: m[0] });
      i += 1 + m[0].length;
    } else if (path[i] === '[') {
      const end = closingBracket(path, i);
      const inner = path.slice(i + 1, end).trim();
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1)));
      else throw new Error(`unsupported JSONPath subscript [${inner}] in ${expression}`);
      i = end + 1;
    } else {
      throw new Error(`unexpected ${JSON.stringify(path[i])} at ${i} in JSONPath ${expression}`);
    }
  }
  return steps;
}

function readPath(value: unknown, path: string[]): unknown {
  let current = value;
  for (const part of path) current = isJsonObject(current) ? current[part] : undefined;
  return current;
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    switch (step.kind) {
      case 'field':
        if (isJsonObject(value) && value[step.name] !== undefined) out.push(value[step.name]);
        break;
      case 'index':
        if (Array.isArray(value) && step.index < value.length) out.push(value[step.index]);
        break;
      case 'wildcard':
        if (Array.isArray(value)) out.push(...value);
        else if (isJsonObject(value)) out.push(...Object.values(value));
        break;
      case 'filter':
        if (!Array.isArray(value)) break;
        for (const element of value) {
          const found = readPath(element, step.path);
          if (step.op === 'exists' ? found !== undefined : (found === step.value) === (step.op === '==')) out.push(element);
        }
        break;
    }
  }
  return out;
}

/** Every value the JSONPath selects in `root` (empty when nothing matches). */
export function evaluateJsonPath(root: unknown, expression: string): unknown[] {
  return parseJsonPath(expression).reduce<unknown[]>((values, step) => applyStep(values, step), [root]);
}
