/** Which storage driver images:verify uses: overlay where this machine can mount it, else vfs. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storageFolders, type StorageDriver } from './buildah-args.ts';

const DRIVERS: readonly StorageDriver[] = ['overlay', 'vfs'];

/** True when the kernel mounts an overlay filesystem inside `dir` (a container without the privilege or module cannot). */
export function overlayMounts(dir: string): boolean {
  const probe = mkdtempSync(join(dir, 'overlay-probe-'));
  try {
    for (const part of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(probe, part));
    writeFileSync(join(probe, 'lower', 'file'), 'lower');
    const mounted = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${join(probe, 'lower')},upperdir=${join(probe, 'upper')},workdir=${join(probe, 'work')}`, join(probe, 'merged')], { stdio: 'ignore' });
    if (mounted.status !== 0) return false;
    const visible = existsSync(join(probe, 'merged', 'file'));
    spawnSync('umount', [join(probe, 'merged')], { stdio: 'ignore' });
    return visible;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/**
 * MUR_IMAGES_STORAGE_DRIVER (overlay or vfs) when set, else overlay if it mounts in the cache folder, else vfs.
 * Throws on any other value, naming the variable.
 */
export function chooseStorageDriver(env: NodeJS.ProcessEnv, cacheDir: string, canMountOverlay: (dir: string) => boolean = overlayMounts): StorageDriver {
  const wanted = env.MUR_IMAGES_STORAGE_DRIVER;
  if (wanted !== undefined && wanted !== '') {
    if (!(DRIVERS as readonly string[]).includes(wanted)) throw new Error(`MUR_IMAGES_STORAGE_DRIVER must be overlay or vfs, not ${JSON.stringify(wanted)}`);
    return wanted as StorageDriver;
  }
  return canMountOverlay(cacheDir) ? 'overlay' : 'vfs';
}

/** Storage folders of the cache that belong to the other driver: only disk, once the chosen driver builds. */
export function unusedStorageFolders(cacheDir: string, driver: StorageDriver): string[] {
  const others = DRIVERS.filter((other) => other !== driver).flatMap((other) => Object.values(storageFolders(other)));
  return others.map((name) => join(cacheDir, name)).filter((path) => existsSync(path));
}
