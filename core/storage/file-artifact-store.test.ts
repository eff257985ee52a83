import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactNotFoundError } from '../artifact-store.ts';
import { BadInputError } from '../errors.ts';
import { artifactUriFromLocation, FileArtifactStore } from './file-artifact-store.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

let root: string;
let runDir: string;
let store: FileArtifactStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mur-file-store-'));
  runDir = join(root, 'markets', 'btc-usdt', 'run-1');
  store = new FileArtifactStore(`${pathToFileURL(runDir).href}/`);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FileArtifactStore', () => {
  it('normalises its base URI to end in a slash', () => {
    expect(new FileArtifactStore(pathToFileURL(runDir).href).baseUri).toBe(`${pathToFileURL(runDir).href}/`);
    expect(store.directory).toBe(runDir);
  });

  it('writes, reads and checks files, creating folders as needed', async () => {
    expect(await store.exists('model.onnx')).toBe(false);
    await store.put('model.onnx', bytes('onnx'));
    await store.put('plots/loss.json', bytes('[1,2]'));
    expect(text(await store.get('model.onnx'))).toBe('onnx');
    expect(text(await store.get('plots/loss.json'))).toBe('[1,2]');
    expect(await store.exists('model.onnx')).toBe(true);
    expect(await store.exists('plots')).toBe(false);
  });

  it('replaces a file by renaming a new one over it, so a reader of the old file is never disturbed', async () => {
    await store.put('manifest.json', bytes('first version'));
    const before = await stat(join(runDir, 'manifest.json'));
    const reader = await open(join(runDir, 'manifest.json'), 'r');
    try {
      await store.put('manifest.json', bytes('second'));
      const buffer = Buffer.alloc(13);
      await reader.read(buffer, 0, 13, 0);
      expect(buffer.toString()).toBe('first version');
    } finally {
      await reader.close();
    }
    expect((await stat(join(runDir, 'manifest.json'))).ino).not.toBe(before.ino);
    expect(text(await store.get('manifest.json'))).toBe('second');
    expect(await readdir(runDir)).toEqual(['manifest.json']);
  });

  it('leaves no temporary file behind when the final rename fails', async () => {
    await mkdir(join(runDir, 'backtest.json', 'occupied'), { recursive: true });
    await expect(store.put('backtest.json', bytes('{}'))).rejects.toThrow(`write backtest.json at ${store.baseUri}`);
    expect(await readdir(runDir)).toEqual(['backtest.json']);
  });

  it('throws ArtifactNotFoundError for a missing file', async () => {
    const failure = store.get('manifest.json');
    await expect(failure).rejects.toBeInstanceOf(ArtifactNotFoundError);
    await expect(failure).rejects.toThrow(`no manifest.json at ${store.baseUri}`);
  });

  it('removes the whole folder and tolerates one that is already gone', async () => {
    await store.put('model.onnx', bytes('onnx'));
    await store.put('plots/loss.json', bytes('[]'));
    const sibling = new FileArtifactStore(pathToFileURL(join(root, 'markets', 'btc-usdt', 'run-2')).href);
    await sibling.put('model.onnx', bytes('other run'));
    await store.removeAll();
    await expect(stat(runDir)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.removeAll();
    expect(text(await sibling.get('model.onnx'))).toBe('other run');
  });

  it.each(['../run-2/model.onnx', '/etc/passwd', 'plots//loss.json', './model.onnx', ''])('refuses the key %j', async (key) => {
    await expect(store.put(key, bytes('x'))).rejects.toBeInstanceOf(BadInputError);
  });

  it('refuses the filesystem root and URIs that are not file URLs', () => {
    expect(() => new FileArtifactStore('file:///')).toThrow('points at the filesystem root');
    expect(() => new FileArtifactStore('file://relative/dir')).toThrow(BadInputError);
  });
});

describe('artifactUriFromLocation', () => {
  it('turns relative and absolute folder paths into file URIs', () => {
    expect(artifactUriFromLocation('artifacts/run-1', '/home/trader')).toBe('file:///home/trader/artifacts/run-1/');
    expect(artifactUriFromLocation('/data/my runs/1/', '/home/trader')).toBe('file:///data/my%20runs/1/');
  });

  it('keeps URIs as they are', () => {
    expect(artifactUriFromLocation('s3://artifacts/markets/', '/home/trader')).toBe('s3://artifacts/markets/');
    expect(artifactUriFromLocation('file:///data/run/', '/home/trader')).toBe('file:///data/run/');
  });
});
