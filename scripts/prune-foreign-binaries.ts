/**
 * Delete the native binaries packages ship for other operating systems and CPUs from an installed node_modules.
 * onnxruntime-node carries prebuilt runtimes for five platforms (288 MB); an image needs the one it runs on (45 MB
 * for linux/x64). Run inside an image build: `node scripts/prune-foreign-binaries.ts node_modules`.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Packages whose binaries live in `<package>/<root>/<abi>/<platform>/<arch>/`. */
const PLATFORM_TREES: readonly { readonly name: string; readonly root: string }[] = [{ name: 'onnxruntime-node', root: 'bin' }];

/** The platform to keep, in Node's names (`process.platform`, `process.arch`). */
export interface Platform {
  readonly platform: string;
  readonly arch: string;
}

/** What one prune removed, per package: the deleted folders, relative to node_modules. */
export type PruneReport = Record<string, string[]>;

function folders(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** The `<os>/<arch>` pairs a package's binary root ships, over all its ABI folders, sorted. */
function shippedPlatforms(binaries: string): string[] {
  const pairs = folders(binaries).flatMap((abi) => folders(join(binaries, abi)).flatMap((os) => folders(join(binaries, abi, os)).map((arch) => `${os}/${arch}`)));
  return [...new Set(pairs)].sort();
}

/**
 * Remove every `<abi>/<platform>/<arch>` folder but `keep`'s from the packages of PLATFORM_TREES that are installed.
 * Throws, before deleting anything of that package, when it has no binary for `keep`: an image without its runtime
 * must fail to build, not fail to start.
 */
export function pruneForeignBinaries(nodeModules: string, keep: Platform): PruneReport {
  const report: PruneReport = {};
  for (const { name, root } of PLATFORM_TREES) {
    const binaries = join(nodeModules, name, root);
    if (!existsSync(binaries)) continue;
    const shipped = shippedPlatforms(binaries);
    const wanted = `${keep.platform}/${keep.arch}`;
    if (!shipped.includes(wanted)) {
      throw new Error(`${name} ships no binary for ${wanted} under ${root}/ (it has ${shipped.join(', ') || 'none'})`);
    }
    const removed: string[] = [];
    for (const abi of folders(binaries)) {
      for (const os of folders(join(binaries, abi))) {
        // A whole foreign OS goes as one folder; on the kept OS, only the other CPUs' folders go.
        const doomed = os === keep.platform ? folders(join(binaries, abi, os)).filter((arch) => arch !== keep.arch).map((arch) => join(abi, os, arch)) : [join(abi, os)];
        for (const folder of doomed) {
          rmSync(join(binaries, folder), { recursive: true, force: true });
          removed.push(join(name, root, folder));
        }
      }
    }
    report[name] = removed;
  }
  return report;
}

if (import.meta.main) {
  const nodeModules = process.argv[2];
  if (nodeModules === undefined) {
    process.stderr.write('usage: node scripts/prune-foreign-binaries.ts <node_modules folder>\n');
    process.exit(2);
  }
  const report = pruneForeignBinaries(nodeModules, { platform: process.platform, arch: process.arch });
  for (const [name, removed] of Object.entries(report)) process.stdout.write(`${name}: kept ${process.platform}/${process.arch}, removed ${removed.join(' ') || 'nothing'}\n`);
}
