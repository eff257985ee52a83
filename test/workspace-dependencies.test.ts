// Each image installs only its workspace's production dependencies (`npm ci --workspace`) and copies only its own
// folders. These checks read the sources from each image's ENTRYPOINT so that an import the image cannot satisfy
// fails here, not in a pod.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stageInstructions } from '../scripts/images/dockerfile.ts';
import { importGraph, packageName } from './support/import-graph.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly workspaces?: readonly string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

const manifest = (folder: string): Manifest => JSON.parse(readFileSync(path.join(ROOT, folder, 'package.json'), 'utf8')) as Manifest;
function runtimeDependencies(folder: string): Set<string> {
  const { dependencies, optionalDependencies } = manifest(folder);
  return new Set(Object.keys({ ...dependencies, ...optionalDependencies }));
}

/** The image targets of the root Dockerfile and the workspace each one installs. */
const IMAGES = [
  { target: 'operator', workspace: 'operator' },
  { target: 'server', workspace: 'server-image' },
  { target: 'dashboard', workspace: 'dashboard' },
  { target: 'trainer', workspace: 'trainer-image' },
] as const;

/** Dependencies an image loads other than by an import the sources name, with how. */
const LOADED_OTHERWISE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dashboard: { 'lightweight-charts': 'its browser bundle is served from node_modules (require.resolve)' },
  'trainer-image': { '@tensorflow/tfjs-node': 'imported by a computed name when the native backend is tried' },
};

/** Packages core's code imports that core does not declare: the workspaces using those folders declare them. */
const CORE_PACKAGES_DECLARED_BY_USERS: Readonly<Record<string, string>> = { ccxt: 'core/exchange/', minio: 'core/storage/' };

const CORE = '@make-us-rich/core';
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const stage = (name: string) => stageInstructions(dockerfile, name);

/** The file an image's ENTRYPOINT runs with node. */
function entrypointOf(target: string): string {
  const line = stage(target).find((instruction) => instruction.startsWith('ENTRYPOINT '));
  const command = JSON.parse(line!.slice('ENTRYPOINT '.length)) as string[];
  expect(command[0], `${target} ENTRYPOINT`).toBe('node');
  return command[1]!;
}

/** The repository paths a `<target>-files` stage copies into /app. */
function copiedPaths(target: string): string[] {
  return stage(`${target}-files`).filter((line) => line.startsWith('COPY ')).map((line) => line.split(/\s+/)[1]!);
}

describe('every image stands on its own workspace', () => {
  for (const { target, workspace } of IMAGES) {
    describe(target, () => {
      const graph = importGraph(ROOT, [entrypointOf(target)]);
      const own = runtimeDependencies(workspace);
      const dependsOnCore = own.has(CORE);
      const coreDeclared = runtimeDependencies('core');

      it(`loads only its own code (${workspace}/) and core/, never another image's`, () => {
        const foreign = [...graph.files].filter((file) => !file.startsWith(`${workspace}/`) && !(dependsOnCore && file.startsWith('core/')));
        expect(foreign).toEqual([]);
      });

      it('declares every package its code imports; core brings only what core declares', () => {
        const undeclared = [...graph.packages].flatMap(([name, importers]) =>
          importers
            .filter((file) => !own.has(name) && !(file.startsWith('core/') && coreDeclared.has(name)))
            .map((file) => `${file} imports ${name}, which ${workspace}/package.json does not declare`));
        expect(undeclared).toEqual([]);
      });

      it('declares no production dependency it never loads', () => {
        const reached = new Set(graph.packages.keys());
        const unused = [...own].filter((name) => name !== CORE && !reached.has(name) && LOADED_OTHERWISE[workspace]?.[name] === undefined);
        expect(unused).toEqual([]);
      });

      it('copies every file it loads into the image', () => {
        const copied = copiedPaths(target);
        const missing = [...graph.files].filter((file) => !copied.some((source) => file === source || file.startsWith(`${source}/`)));
        expect(missing).toEqual([]);
      });
    });
  }
});

describe('the workspaces', () => {
  const root = manifest('.');

  it('lists the packages core/exchange and core/storage need only where those folders import them', () => {
    const graph = importGraph(ROOT, IMAGES.map(({ target }) => entrypointOf(target)));
    const misplaced = [...graph.packages].flatMap(([name, importers]) =>
      importers
        .filter((file) => file.startsWith('core/') && !runtimeDependencies('core').has(name))
        .filter((file) => CORE_PACKAGES_DECLARED_BY_USERS[name] === undefined || !file.startsWith(CORE_PACKAGES_DECLARED_BY_USERS[name]!))
        .map((file) => `${file} imports ${name}`));
    expect(misplaced).toEqual([]);
  });

  it('all have their package.json in the Dockerfile\'s manifests stage, so npm ci there sees the workspaces the lockfile was made with', () => {
    const copied = stage('manifests').filter((line) => line.startsWith('COPY ')).map((line) => line.split(/\s+/)[1]!);
    expect(root.workspaces!.filter((folder) => !copied.includes(`${folder}/package.json`))).toEqual([]);
  });

  it('share the root version, so an image reports the release it was built from', () => {
    for (const folder of root.workspaces!) expect(manifest(folder).version, folder).toBe(root.version);
  });

  it('install hoisted into the root node_modules, the only one the Dockerfile copies', () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const nested = Object.keys(lock.packages).filter((key) => root.workspaces!.some((folder) => key.startsWith(`${folder}/node_modules/`)));
    expect(nested).toEqual([]);
  });

  it('name packages the way npm does', () => {
    expect(packageName('@tensorflow/tfjs-backend-wasm/dist/x.js')).toBe('@tensorflow/tfjs-backend-wasm');
    expect(packageName('typebox/value')).toBe('typebox');
    expect(packageName('hono')).toBe('hono');
  });
});
