/**
 * Chart values in README against charts/make-us-rich/values.yaml: every key README names exists (a renamed
 * value fails here), and every top-level value is named in README, so none is undocumented there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const root = join(import.meta.dirname, '..');
const values = parseYaml(readFileSync(join(root, 'charts/make-us-rich/values.yaml'), 'utf8')) as Record<string, unknown>;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const topLevel = Object.keys(values);

/** True when `path` (dots, `*` for any key) leads through values.yaml, or into a map a user fills (`podLabels: {}`). */
function existsInValues(path: string): boolean {
  let node: unknown = values;
  for (const segment of path.split('.')) {
    if (segment === '*') return node !== null && typeof node === 'object';
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
    const map = node as Record<string, unknown>;
    if (!(segment in map)) return Object.keys(map).length === 0 && path.split('.')[0] !== segment;
    node = map[segment];
  }
  return true;
}

/** Value paths README names: `` `a.b.c` `` spans and `--set a.b=…` keys whose first segment is a top-level value. */
function readmeValuePaths(): string[] {
  const spans = [...readme.matchAll(/`([a-zA-Z][a-zA-Z0-9]*(?:\.(?:[a-zA-Z][a-zA-Z0-9]*|\*))*)(?::[^`]*)?`/g)].map((m) => m[1]!);
  const sets = [...readme.matchAll(/--set(?:-json|-string)? '?([a-zA-Z][a-zA-Z0-9.]*)=/g)].map((m) => m[1]!);
  return [...new Set([...spans, ...sets])].filter((path) => topLevel.includes(path.split('.')[0]!));
}

describe('chart values in README', () => {
  it('names only keys values.yaml has', () => {
    const paths = readmeValuePaths();
    expect(paths).toEqual(expect.arrayContaining(['s3.endpoint', 'imageRegistry', 'secretNamespaces']));
    expect(paths.filter((path) => !existsInValues(path))).toEqual([]);
  });

  it('names every top-level key of values.yaml', () => {
    const named = new Set(readmeValuePaths().map((path) => path.split('.')[0]));
    expect(topLevel.filter((key) => !named.has(key))).toEqual([]);
  });

  it('tells a missing key from a present one', () => {
    expect(existsInValues('s3.bucket')).toBe(true);
    expect(existsInValues('s3.bukket')).toBe(false);
    expect(existsInValues('trainer.podLabels.team')).toBe(true);
    expect(existsInValues('dashboard.*')).toBe(true);
  });
});
