import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileImports } from './support/import-graph.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Folders whose files run in the images or for a person (`npm run …`): they must not stand on test code. */
const PRODUCT_ROOTS = ['core', 'operator', 'trainer-image/src', 'server-image/src', 'server-image/bench', 'dashboard/src', 'dashboard/public', 'scripts', 'bench', 'exchange-replay', 'local-cluster', 'bin'];

/**
 * Product files that still import test code, each with the reason. The operator benchmark runs the operator against
 * trainer containers that end at once with a prepared summary (the cluster tests' stand-in), started like the tests
 * start our entrypoints; the server benchmarks build their model artifacts with the test fixtures. An entry that is
 * no longer needed fails the test below so the list only shrinks.
 */
const KNOWN_EXCEPTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['bench/operator.bench.ts', ['test/support/node-process.ts', 'test/support/prepared-trainer.ts']],
  ['server-image/bench/server.bench.ts', ['test/support/server-fixtures.ts']],
  ['server-image/bench/track-record.bench.ts', ['test/support/server-fixtures.ts']],
]);

/** True for a repository-relative path that is test code: under test/, in a test-support folder, or a test file. */
function isTestCode(relativePath: string): boolean {
  const segments = relativePath.split('/');
  return segments[0] === 'test' || segments.includes('test-support') || /\.test\.[cm]?[jt]s$/.test(relativePath);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.[cm]?[jt]s$/.test(entry.name) && !entry.parentPath.includes('node_modules'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** Test-code imports of every product file, as `file → import` pairs. */
function testCodeImports(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of PRODUCT_ROOTS.flatMap(sourceFiles).filter((file) => !isTestCode(file))) {
    const imports = fileImports(ROOT, file).relative.filter(isTestCode);
    if (imports.length > 0) found.set(file, imports.sort());
  }
  return found;
}

describe('product code never stands on test code', () => {
  it('classifies test code by folder and file name', () => {
    expect(isTestCode('test/support/kubectl.ts')).toBe(true);
    expect(isTestCode('local-cluster/helm.ts')).toBe(false);
    expect(isTestCode('operator/test-support/fixtures.ts')).toBe(true);
    expect(isTestCode('core/retry.test.ts')).toBe(true);
    expect(isTestCode('core/retry.ts')).toBe(false);
    expect(isTestCode('exchange-replay/exchange-replay-server.ts')).toBe(false);
    expect(isTestCode('dashboard/src/latest-test.ts')).toBe(false);
  });

  it('no product file imports from test/, a test-support folder or a test file (beyond the listed exceptions)', () => {
    const unexpected = [...testCodeImports()].flatMap(([file, imports]) =>
      imports.filter((imported) => !KNOWN_EXCEPTIONS.get(file)?.includes(imported)).map((imported) => `${file} → ${imported}`));
    expect(unexpected).toEqual([]);
  });

  it('every listed exception is still needed', () => {
    const actual = testCodeImports();
    const stale = [...KNOWN_EXCEPTIONS].flatMap(([file, imports]) =>
      imports.filter((imported) => !actual.get(file)?.includes(imported)).map((imported) => `${file} → ${imported}`));
    expect(stale).toEqual([]);
  });
});
