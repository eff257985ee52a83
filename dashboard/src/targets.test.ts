import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenFileSource, validateTargets } from './targets.ts';

describe('validateTargets', () => {
  it('normalises the base URLs', () => {
    expect(validateTargets([{ name: 'btc-usdt', url: 'http://btc-usdt.markets.svc:8080/', token: 't' }])).toEqual([{ name: 'btc-usdt', url: 'http://btc-usdt.markets.svc:8080', token: 't' }]);
  });

  it('refuses a name that cannot sit in a URL path, and a name used twice', () => {
    expect(() => validateTargets([{ name: 'markets/btc', url: 'http://x', token: 't' }])).toThrow('targets[0].name "markets/btc" must be 1–63 letters');
    expect(() => validateTargets([{ name: 'a', url: 'http://x', token: 't' }, { name: 'a', url: 'http://y', token: 't' }])).toThrow('targets[1].name "a" is used twice');
    expect(() => validateTargets([{ name: 'a', url: 'not a url', token: 't' }])).toThrow('targets[0].url "not a url" is not a URL');
  });
});

describe('tokenFileSource', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-token-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the token without its newline and picks up a rotated Secret once the cached one is old enough', async () => {
    const file = join(dir, 'default');
    await writeFile(file, 'first-token-0123456789\n');
    let now = 1_000;
    const token = tokenFileSource(file, { maxAgeMs: 10_000, now: () => now });
    expect(await token()).toBe('first-token-0123456789');
    await writeFile(file, 'second-token-0123456789\n');
    now += 9_999;
    expect(await token()).toBe('first-token-0123456789');
    now += 1;
    expect(await token()).toBe('second-token-0123456789');
  });

  it('keeps the last token while the file is briefly missing, and fails when it never could read one', async () => {
    const file = join(dir, 'default');
    await writeFile(file, 'kept-token-0123456789');
    let now = 0;
    const token = tokenFileSource(file, { maxAgeMs: 0, now: () => now });
    expect(await token()).toBe('kept-token-0123456789');
    await rm(file);
    now = 5;
    expect(await token()).toBe('kept-token-0123456789');
    await expect(tokenFileSource(join(dir, 'absent'), { maxAgeMs: 0, now: () => 0 })()).rejects.toThrow(`cannot read the token file ${join(dir, 'absent')}`);
    await writeFile(join(dir, 'empty'), '\n');
    await expect(tokenFileSource(join(dir, 'empty'), { maxAgeMs: 0, now: () => 0 })()).rejects.toThrow('cannot read the token file');
  });
});
