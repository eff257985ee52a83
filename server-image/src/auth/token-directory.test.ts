import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTokenDirectory, type TokenDirectory, type TokenDirectoryLog } from './token-directory.ts';

function recordingLog(): TokenDirectoryLog & { lines: string[] } {
  const lines: string[] = [];
  const write = (details: Record<string, unknown>, message: string) => lines.push(JSON.stringify({ ...details, message }));
  return { lines, info: write, warn: write };
}

/** Lay out a Secret volume the way the kubelet does: a timestamped folder behind a `..data` symlink. */
async function writeSecretVersion(dir: string, version: string, tokens: Record<string, string>): Promise<void> {
  const folder = join(dir, `..${version}`);
  await mkdir(folder);
  for (const [name, token] of Object.entries(tokens)) await writeFile(join(folder, name), token);
  await symlink(`..${version}`, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
}

describe('openTokenDirectory', () => {
  let dir: string;
  let tokens: TokenDirectory | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mur-token-dir-'));
  });
  afterEach(async () => {
    tokens?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('matches a presented token to its file name, ignoring the trailing newline', async () => {
    await writeFile(join(dir, 'alice'), 'alice-secret-token-000001\n');
    await writeFile(join(dir, 'bob'), 'bob-secret-token-00000002');
    tokens = await openTokenDirectory({ dir, reloadIntervalMs: 0, log: recordingLog() });
    expect(tokens.match('alice-secret-token-000001')).toBe('alice');
    expect(tokens.match('bob-secret-token-00000002')).toBe('bob');
    // Asked again (now from the map of past matches), and near misses of a token that matched before.
    expect(tokens.match('alice-secret-token-000001')).toBe('alice');
    expect(tokens.match('alice-secret-token-000001\n')).toBeUndefined();
    expect(tokens.match('alice-secret-token-00000')).toBeUndefined();
    expect(tokens.match('')).toBeUndefined();
    expect(tokens.names()).toEqual(['alice', 'bob']);
  });

  it('follows a Kubernetes-style rotation of the ..data symlink', async () => {
    await writeSecretVersion(dir, '2025_01_01_00_00_00.1', { alice: 'old-alice-token-0000001' });
    await symlink('..data/alice', join(dir, 'alice'));
    const log = recordingLog();
    tokens = await openTokenDirectory({ dir, reloadIntervalMs: 0, log });
    expect(tokens.match('old-alice-token-0000001')).toBe('alice');

    await writeSecretVersion(dir, '2025_01_02_00_00_00.2', { alice: 'new-alice-token-0000002' });
    await tokens.reload();
    expect(tokens.match('new-alice-token-0000002')).toBe('alice');
    expect(tokens.match('old-alice-token-0000001')).toBeUndefined();
    // Names only: the token values never reach the log.
    expect(log.lines.join('\n')).not.toMatch(/alice-token/);
  });

  it('picks up a new token file through the directory watch, without an explicit reload', async () => {
    tokens = await openTokenDirectory({ dir, reloadIntervalMs: 0, log: recordingLog() });
    expect(tokens.names()).toEqual([]);
    await writeFile(join(dir, 'carol'), 'carol-token-000000000003');
    const deadline = Date.now() + 5_000;
    while (tokens.match('carol-token-000000000003') === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(tokens.match('carol-token-000000000003')).toBe('carol');
  });

  it('keeps the previous tokens when the directory disappears, and warns about short ones by name', async () => {
    await writeFile(join(dir, 'short'), 'abc');
    const log = recordingLog();
    tokens = await openTokenDirectory({ dir, reloadIntervalMs: 0, log });
    expect(log.lines.some((line) => line.includes('guessed') && line.includes('"short"'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain('abc"');
    // Renamed away in one step, as an unmounted volume vanishes (deleting file by file would be a legitimate empty Secret).
    await rename(dir, `${dir}-gone`);
    await tokens.reload();
    await rm(`${dir}-gone`, { recursive: true, force: true });
    expect(tokens.match('abc')).toBe('short');
    expect(log.lines.some((line) => line.includes('keeping the previous tokens'))).toBe(true);
  });
});
