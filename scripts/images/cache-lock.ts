/** One images:verify at a time per cache: two runs in one container storage would remove each other's containers. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the cache's lock (a file holding the owner's pid; a dead owner's lock is taken over); returns its release. */
export function lockCache(cacheDir: string): () => void {
  const file = join(cacheDir, 'lock');
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new Error(`another images:verify (pid ${owner}) is using ${cacheDir}; wait for it or set MUR_IMAGES_CACHE to another folder`);
    }
    writeFileSync(file, `${process.pid}\n`);
  }
  return () => rmSync(file, { force: true });
}
