import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, parse as parsePath, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ArtifactNotFoundError, type ArtifactStore } from '../artifact-store.ts';
import { BadInputError } from '../errors.ts';
import { checkArtifactKey } from './artifact-key.ts';

/** Artifact store over a local folder (`file:///abs/dir/`), used by the local demo and tests. */
export class FileArtifactStore implements ArtifactStore {
  /** The folder's `file://` URI, always ending in "/". */
  readonly baseUri: string;
  /** Absolute path of the folder. */
  readonly directory: string;

  constructor(uri: string) {
    this.directory = fileUriToDirectory(uri);
    this.baseUri = directoryToFileUri(this.directory);
  }

  /** Write through a temporary file in the same folder and rename it, so readers never see half a file. */
  async put(key: string, body: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = join(dirname(target), `.${parsePath(target).base}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temporary, 'wx');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw new Error(`write ${key} at ${this.baseUri}`, { cause: error });
    }
    await syncDirectory(dirname(target));
  }

  /** Read the file at `key`; ArtifactNotFoundError when it does not exist. */
  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      if (isNotFound(error)) throw new ArtifactNotFoundError(`no ${key} at ${this.baseUri}`, { cause: error });
      throw new Error(`read ${key} at ${this.baseUri}`, { cause: error });
    }
  }

  /** True when a regular file exists at `key`. */
  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw new Error(`check ${key} at ${this.baseUri}`, { cause: error });
    }
  }

  /** Remove the whole folder; a folder that is already gone is not an error. */
  async removeAll(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }

  private pathOf(key: string): string {
    return join(this.directory, checkArtifactKey(key));
  }
}

/** Absolute folder path of a `file:///abs/dir/` URI; BadInputError for anything else or the filesystem root. */
export function fileUriToDirectory(uri: string): string {
  let directory: string;
  try {
    directory = fileURLToPath(new URL(uri));
  } catch (error) {
    throw new BadInputError(`artifact URI "${uri}" is not a valid file:///absolute/path/ URI`, 'artifactUri', { cause: error });
  }
  directory = resolve(directory);
  // removeAll deletes the folder: never let a typo point it at the whole filesystem.
  if (parsePath(directory).root === directory) {
    throw new BadInputError(`artifact URI "${uri}" points at the filesystem root; use a folder below it`, 'artifactUri');
  }
  return directory;
}

/** The `file://` URI of an absolute folder path, ending in "/". */
export function directoryToFileUri(directory: string): string {
  const href = pathToFileURL(resolve(directory)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Artifact URI for a location given on the command line: an `s3://` or `file://` URI is returned unchanged,
 * anything else is taken as a folder path relative to `cwd` and turned into a `file://` URI.
 */
export function artifactUriFromLocation(location: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  if (location.trim() === '') throw new BadInputError('artifact location is empty', 'artifactUri');
  return directoryToFileUri(resolve(cwd, location));
}

/** Make a rename durable: on Linux the directory entry is only persisted once the directory is fsynced. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems (and all of Windows) refuse fsync on a directory; the data itself is already synced.
    if (!isUnsupported(error)) throw error;
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function isUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EINVAL' || code === 'EPERM' || code === 'EISDIR' || code === 'ENOTSUP';
}
