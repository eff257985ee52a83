import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../core/errors.ts';
import { checkArtifactDestination } from './artifact-destination.ts';

const storeWith = (files: string[]) => ({ baseUri: 'file:///runs/btc/', exists: async (key: string) => files.includes(key) });

describe('checkArtifactDestination', () => {
  it('lets a run write to a folder without a finished model', async () => {
    await expect(checkArtifactDestination(storeWith(['model.onnx']), { artifactFrom: 'default', version: 'v1' })).resolves.toBeUndefined();
  });

  it.each([
    ['default', '--artifact', 'pass a new --version (this one is "v1") or another --artifact'],
    ['flag', '--artifact', 'pass another --artifact folder'],
    ['env', 'MUR_ARTIFACT_URI', 'give MUR_ARTIFACT_URI a new folder'],
  ] as const)('refuses a folder holding a model, chosen by %s, naming %s', async (artifactFrom, field, fix) => {
    const error = await checkArtifactDestination(storeWith(['manifest.json']), { artifactFrom, version: 'v1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).field).toBe(field);
    expect((error as Error).message).toContain('file:///runs/btc/ already holds a finished model (manifest.json)');
    expect((error as Error).message).toContain(fix);
  });
});
