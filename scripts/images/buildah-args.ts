/** Command lines for buildah, built as plain arrays so they can be read and tested without running anything. */
import { join } from 'node:path';

/**
 * How image layers are stored. overlay stacks a layer on its parent, so a layer costs what it adds; vfs copies the
 * whole file tree into every layer and every working container, which works everywhere but makes each step over a
 * large image slow and the cache several times larger.
 */
export type StorageDriver = 'overlay' | 'vfs';

/** Where images:verify keeps its container storage: its own, never the system's. */
export interface StorageLocation {
  readonly root: string;
  readonly runRoot: string;
  readonly driver: StorageDriver;
}

/** The storage folders of one driver in a cache folder (each driver has its own: their layers cannot be shared). */
export function storageFolders(driver: StorageDriver): { readonly root: string; readonly runRoot: string } {
  // vfs keeps the folder names it had before overlay was an option, so an existing cache stays warm.
  return driver === 'vfs' ? { root: 'storage', runRoot: 'run' } : { root: `storage-${driver}`, runRoot: `run-${driver}` };
}

/** The storage of a cache folder for one driver. */
export function storageIn(cacheDir: string, driver: StorageDriver): StorageLocation {
  const folders = storageFolders(driver);
  return { root: join(cacheDir, folders.root), runRoot: join(cacheDir, folders.runRoot), driver };
}

/** Global flags every buildah call gets. */
export function storageArgs(storage: StorageLocation): string[] {
  return ['--root', storage.root, '--runroot', storage.runRoot, '--storage-driver', storage.driver];
}

/** What one `buildah build` is asked for. */
export interface BuildRequest {
  readonly dockerfile: string;
  readonly contextDir: string;
  readonly tag: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Stop after this stage (its result gets `tag`). */
  readonly target?: string;
}

/** `buildah build` with chroot isolation (no user namespaces or cgroups needed) and reusable layers; never pulls. */
export function buildArgs(storage: StorageLocation, request: BuildRequest): string[] {
  const args = [...storageArgs(storage), 'build', '--isolation', 'chroot', '--layers', '--pull=never', '--network', 'host'];
  for (const [name, value] of Object.entries(request.buildArgs)) args.push('--build-arg', `${name}=${value}`);
  if (request.target !== undefined) args.push('--target', request.target);
  args.push('--file', request.dockerfile, '--tag', request.tag, request.contextDir);
  return args;
}

/** A bind mount into a working container. */
export interface Mount {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** What one `buildah run` starts. */
export interface RunRequest {
  readonly container: string;
  readonly user: string;
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly Mount[];
  readonly command: readonly string[];
}

/** `buildah run` as the images' non-root user, on the host network so loopback ports reach it. */
export function runArgs(storage: StorageLocation, request: RunRequest): string[] {
  const args = [...storageArgs(storage), 'run', '--isolation', 'chroot', '--network', 'host', '--user', request.user];
  for (const [name, value] of Object.entries(request.env)) args.push('--env', `${name}=${value}`);
  for (const mount of request.mounts) args.push('--volume', `${mount.hostPath}:${mount.containerPath}${mount.readOnly ? ':ro' : ''}`);
  args.push(request.container, '--', ...request.command);
  return args;
}

/** Run a command at lower priority: builds share a small machine with test runs. */
export function niced(command: string, args: readonly string[]): [string, string[]] {
  return ['nice', ['-n', '10', command, ...args]];
}
