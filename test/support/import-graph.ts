/** The files and packages a program loads, read from its sources: relative imports followed, package imports collected. */
import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** What one entry file reaches: repository-relative files, and the npm packages those files import. */
export interface ImportGraph {
  readonly files: ReadonlySet<string>;
  /** Package name → the files importing it. */
  readonly packages: ReadonlyMap<string, readonly string[]>;
}

/** The npm package a bare specifier names: `@scope/name` or `name`, without a subpath. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** What one file imports: relative imports as repository-relative paths, and every other specifier as written. */
export interface FileImports {
  readonly relative: readonly string[];
  readonly bare: readonly string[];
}

/** Every module specifier a source text names: static, dynamic (string literal), side-effect and type imports, and re-exports. */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((reference) => reference.fileName);
}

/** The imports of `file`, relative to `root`. */
export function fileImports(root: string, file: string): FileImports {
  const specifiers = importSpecifiers(readFileSync(path.join(root, file), 'utf8'));
  return {
    relative: specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))),
    bare: specifiers.filter((specifier) => !specifier.startsWith('.')),
  };
}

/**
 * Walk every import of {@link fileImports} from `entries`, relative to `root`. Type imports are followed too: they
 * cost nothing at run time, but a package named only in a type still has to be installed for the workspace's own
 * type check.
 */
export function importGraph(root: string, entries: readonly string[]): ImportGraph {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const imports = fileImports(root, file);
    for (const target of imports.relative) {
      if (!existsSync(path.join(root, target))) throw new Error(`${file} imports ${target}, which does not exist`);
      if (/\.[cm]?[jt]s$/.test(target)) pending.push(target);
      else files.add(target);
    }
    for (const specifier of imports.bare) {
      if (specifier.startsWith('node:') || isBuiltin(specifier)) continue;
      const name = packageName(specifier);
      packages.set(name, [...(packages.get(name) ?? []), file]);
    }
  }
  return { files, packages };
}
