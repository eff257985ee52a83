import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeManifest, FIXTURE_MODEL_ONNX } from '../../test/support/manifest-fixture.ts';
import { ArtifactNotFoundError, type ArtifactStore } from '../artifact-store.ts';
import { ArtifactExistsError, readArtifact, readArtifactManifest, writeArtifact } from './artifact-io.ts';
import { FileArtifactStore } from './file-artifact-store.ts';
import { sha256Hex, UnsupportedArtifactError } from './manifest-validation.ts';

const FIXTURE_SHA256 = makeManifest().modelSha256;
const backtest = { horizon: [1, 2], mae: { model: [1.5, 2.5], naive: [1.6, 2.6] } };

let root: string;
let store: FileArtifactStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'mur-artifact-io-'));
  store = new FileArtifactStore(pathToFileURL(join(root, 'run-1')).href);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Records the order of writes and fails the put of one key. */
function recordingStore(inner: ArtifactStore, failOn?: string): ArtifactStore & { puts: string[] } {
  const puts: string[] = [];
  return {
    baseUri: inner.baseUri,
    puts,
    async put(key, body, contentType) {
      puts.push(key);
      if (key === failOn) throw new Error(`storage refused ${key}`);
      await inner.put(key, body, contentType);
    },
    get: (key) => inner.get(key),
    exists: (key) => inner.exists(key),
    removeAll: () => inner.removeAll(),
  };
}

describe('writeArtifact', () => {
  it('writes model.onnx, backtest.json and last manifest.json, returning the model sha256', async () => {
    const recording = recordingStore(store);
    const written = await writeArtifact(recording, { modelOnnx: FIXTURE_MODEL_ONNX, backtest, manifest: makeManifest() });
    expect(recording.puts).toEqual(['model.onnx', 'backtest.json', 'manifest.json']);
    expect(written).toEqual({ uri: store.baseUri, sha256: sha256Hex(FIXTURE_MODEL_ONNX) });
    expect(JSON.parse(new TextDecoder().decode(await store.get('backtest.json')))).toEqual(backtest);
  });

  it('leaves no manifest.json when a file before it fails', async () => {
    const failing = recordingStore(store, 'backtest.json');
    await expect(writeArtifact(failing, { modelOnnx: FIXTURE_MODEL_ONNX, backtest, manifest: makeManifest() })).rejects.toThrow('storage refused backtest.json');
    expect(await store.exists('manifest.json')).toBe(false);
    await expect(readArtifact(store)).rejects.toThrow(`no manifest.json at ${store.baseUri}: the run did not finish`);
  });

  it('refuses a manifest that does not describe the model bytes, before writing anything', async () => {
    const other = new TextEncoder().encode('another model');
    await expect(writeArtifact(store, { modelOnnx: other, backtest, manifest: makeManifest() })).rejects.toThrow(
      `model.onnx sha256 ${sha256Hex(other)} does not match manifest ${FIXTURE_SHA256}`,
    );
    await expect(readdir(join(root, 'run-1'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to rewrite a finished run unless asked to overwrite it', async () => {
    await writeArtifact(store, { modelOnnx: FIXTURE_MODEL_ONNX, backtest, manifest: makeManifest({ version: 'first' }) });
    await expect(writeArtifact(store, { modelOnnx: FIXTURE_MODEL_ONNX, backtest, manifest: makeManifest({ version: 'second' }) })).rejects.toBeInstanceOf(
      ArtifactExistsError,
    );
    expect((await readArtifactManifest(store)).version).toBe('first');
    await store.put('stale.log', new TextEncoder().encode('from the first run'));
    await writeArtifact(store, { modelOnnx: FIXTURE_MODEL_ONNX, backtest, manifest: makeManifest({ version: 'second' }) }, { overwrite: true });
    expect((await readArtifactManifest(store)).version).toBe('second');
    expect(await store.exists('stale.log')).toBe(false);
  });
});

describe('readArtifact', () => {
  const writeRaw = async (manifest: unknown, model = FIXTURE_MODEL_ONNX) => {
    await store.put('model.onnx', model);
    await store.put('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  };

  it('returns the manifest and the model bytes written by writeArtifact', async () => {
    await writeArtifact(store, { modelOnnx: FIXTURE_MODEL_ONNX, backtest, manifest: makeManifest() });
    const { manifest, modelOnnx } = await readArtifact(store);
    expect(manifest).toEqual(makeManifest());
    expect(Array.from(modelOnnx)).toEqual(Array.from(FIXTURE_MODEL_ONNX));
  });

  it('reports a missing manifest as an unfinished run', async () => {
    await store.put('model.onnx', FIXTURE_MODEL_ONNX);
    const failure = readArtifact(store);
    await expect(failure).rejects.toBeInstanceOf(ArtifactNotFoundError);
    await expect(failure).rejects.toThrow(`no manifest.json at ${store.baseUri}: the run did not finish`);
  });

  it('refuses a tampered model.onnx', async () => {
    const tampered = Uint8Array.from(FIXTURE_MODEL_ONNX, (byte, i) => (i === 0 ? byte ^ 1 : byte));
    await writeRaw(makeManifest(), tampered);
    const failure = readArtifact(store);
    await expect(failure).rejects.toBeInstanceOf(UnsupportedArtifactError);
    await expect(failure).rejects.toThrow(`model.onnx sha256 ${sha256Hex(tampered)} does not match manifest ${FIXTURE_SHA256}`);
  });

  it('refuses an unknown schemaVersion before looking at other fields', async () => {
    await writeRaw({ schemaVersion: 2, somethingNew: true });
    await expect(readArtifact(store)).rejects.toThrow(`manifest.json at ${store.baseUri} has schemaVersion 2; this build reads schemaVersion 1`);
  });

  it('refuses an unknown featureSpecVersion', async () => {
    await writeRaw(makeManifest({ featureSpecVersion: 7 }));
    const error = await readArtifact(store).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedArtifactError);
    expect((error as UnsupportedArtifactError).field).toBe('featureSpecVersion');
    expect((error as Error).message).toContain('has featureSpecVersion 7; this build computes featureSpecVersion 1');
  });

  it('names the invalid field of a malformed manifest', async () => {
    const manifest: Record<string, unknown> = { ...makeManifest() };
    delete manifest.horizon;
    await writeRaw(manifest);
    const error = await readArtifact(store).catch((e: unknown) => e);
    expect((error as UnsupportedArtifactError).field).toBe('manifest.horizon');
    expect((error as Error).message).toBe(`manifest.json at ${store.baseUri} is invalid: manifest.horizon is required`);
  });

  it('refuses a manifest that is not JSON', async () => {
    await store.put('manifest.json', new TextEncoder().encode('{"schemaVersion": 1,'));
    await expect(readArtifact(store)).rejects.toThrow(`manifest.json at ${store.baseUri} is not valid JSON`);
  });
});
