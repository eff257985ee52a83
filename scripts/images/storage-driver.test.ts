import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storageArgs, storageIn } from './buildah-args.ts';
import { chooseStorageDriver, unusedStorageFolders } from './storage-driver.ts';

let cacheDir: string | undefined;
afterEach(() => {
  if (cacheDir !== undefined) rmSync(cacheDir, { recursive: true, force: true });
  cacheDir = undefined;
});

describe('the storage driver', () => {
  it('is overlay where overlay mounts and vfs where it does not, unless MUR_IMAGES_STORAGE_DRIVER says', () => {
    expect(chooseStorageDriver({}, '/cache', () => true)).toBe('overlay');
    expect(chooseStorageDriver({}, '/cache', () => false)).toBe('vfs');
    expect(chooseStorageDriver({ MUR_IMAGES_STORAGE_DRIVER: 'vfs' }, '/cache', () => true)).toBe('vfs');
    expect(chooseStorageDriver({ MUR_IMAGES_STORAGE_DRIVER: 'overlay' }, '/cache', () => false)).toBe('overlay');
  });

  it('names the variable when it holds another driver', () => {
    expect(() => chooseStorageDriver({ MUR_IMAGES_STORAGE_DRIVER: 'btrfs' }, '/cache', () => true)).toThrow('MUR_IMAGES_STORAGE_DRIVER must be overlay or vfs, not "btrfs"');
  });

  it('gives each driver its own storage (vfs where it always was), and lists the other driver\'s folders for removal', () => {
    expect(storageArgs(storageIn('/cache', 'overlay'))).toEqual(['--root', '/cache/storage-overlay', '--runroot', '/cache/run-overlay', '--storage-driver', 'overlay']);
    expect(storageArgs(storageIn('/cache', 'vfs'))).toEqual(['--root', '/cache/storage', '--runroot', '/cache/run', '--storage-driver', 'vfs']);
    cacheDir = mkdtempSync(join(tmpdir(), 'mur-images-cache-'));
    for (const name of ['storage', 'run', 'storage-overlay', 'run-overlay', 'work-x', 'stand-ins']) mkdirSync(join(cacheDir, name));
    const unused = (driver: 'overlay' | 'vfs') => unusedStorageFolders(cacheDir!, driver).map((path) => path.slice(cacheDir!.length + 1));
    expect(unused('overlay')).toEqual(['storage', 'run']);
    expect(unused('vfs')).toEqual(['storage-overlay', 'run-overlay']);
  });
});
