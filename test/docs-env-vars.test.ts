/**
 * Every environment variable the docs name (`` `UPPER_CASE` `` with an underscore, or a `PREFIX_*` family) is
 * read somewhere in the code: a variable renamed or dropped in the code fails here, naming the doc.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const DOCS = ['README.md', 'server-image/README.md', 'operator/README.md', 'dashboard/README.md'];
/** Where variables are read: the images, the shared core, the CLI, the benchmark and repository scripts. */
const CODE_DIRS = ['core', 'operator', 'server-image', 'trainer-image', 'dashboard/src', 'bin', 'bench', 'scripts'];
/** Variables the docs name that other programs read, with who reads them. */
const READ_ELSEWHERE: Record<string, string> = {
  ONNXRUNTIME_NODE_INSTALL: "onnxruntime-node's own install script",
};

/** The code's text: every non-test TypeScript file under CODE_DIRS. */
function codeText(): string {
  const files = CODE_DIRS.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('node_modules'))
      .map((f) => join(root, dir, f)),
  );
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** `` `NAME` ``, `` `NAME=value` `` and `` `PREFIX_*` `` spans of a doc. */
function documentedVariables(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...new Set([...text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]*\*?)(?:=[^`]*)?`/g)].map((m) => m[1]!))];
}

describe('environment variables in the docs', () => {
  const code = codeText();
  const isRead = (name: string) =>
    name.endsWith('*') ? new RegExp(`(?<![A-Za-z0-9_])${name.slice(0, -1)}[A-Z0-9_]+`).test(code) : new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`).test(code);

  it.each(DOCS)('%s names only variables the code reads', (file) => {
    const documented = documentedVariables(file);
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((name) => !READ_ELSEWHERE[name] && !isRead(name))).toEqual([]);
  });

  it('finds a variable the code does not read', () => {
    expect(isRead('MUR_NO_SUCH_SETTING')).toBe(false);
    expect(isRead('MUR_TRAINING_SPEC')).toBe(true);
    expect(isRead('RATE_LIMIT_*')).toBe(true);
  });
});
