import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneForeignBinaries } from './prune-foreign-binaries.ts';

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A node_modules with onnxruntime-node's layout: bin/napi-v6/<os>/<arch>/binding. */
function installed(platforms: readonly string[]): string {
  root = mkdtempSync(join(tmpdir(), 'mur-prune-'));
  const nodeModules = join(root, 'node_modules');
  for (const platform of platforms) {
    const folder = join(nodeModules, 'onnxruntime-node', 'bin', 'napi-v6', platform);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'onnxruntime_binding.node'), 'binary');
  }
  mkdirSync(join(nodeModules, 'onnxruntime-node', 'dist'), { recursive: true });
  return nodeModules;
}

describe('pruneForeignBinaries', () => {
  it('keeps the runtime of the platform the image runs on and the package code, and deletes the others', () => {
    const nodeModules = installed(['linux/x64', 'linux/arm64', 'darwin/arm64', 'win32/x64', 'win32/arm64']);
    const report = pruneForeignBinaries(nodeModules, { platform: 'linux', arch: 'arm64' });
    const binaries = join(nodeModules, 'onnxruntime-node', 'bin', 'napi-v6');
    expect(existsSync(join(binaries, 'linux', 'arm64', 'onnxruntime_binding.node'))).toBe(true);
    expect(existsSync(join(nodeModules, 'onnxruntime-node', 'dist'))).toBe(true);
    for (const gone of ['linux/x64', 'darwin', 'win32']) expect(existsSync(join(binaries, gone))).toBe(false);
    expect(report['onnxruntime-node']!.sort()).toEqual(['onnxruntime-node/bin/napi-v6/darwin', 'onnxruntime-node/bin/napi-v6/linux/x64', 'onnxruntime-node/bin/napi-v6/win32']);
  });

  it('refuses, deleting nothing, when the package has no binary for the platform', () => {
    const nodeModules = installed(['linux/x64', 'darwin/arm64']);
    expect(() => pruneForeignBinaries(nodeModules, { platform: 'linux', arch: 's390x' })).toThrow('onnxruntime-node ships no binary for linux/s390x under bin/ (it has darwin/arm64, linux/x64)');
    expect(existsSync(join(nodeModules, 'onnxruntime-node', 'bin', 'napi-v6', 'darwin', 'arm64'))).toBe(true);
  });

  it('leaves a node_modules without the package alone', () => {
    root = mkdtempSync(join(tmpdir(), 'mur-prune-'));
    expect(pruneForeignBinaries(root, { platform: 'linux', arch: 'x64' })).toEqual({});
  });
});
