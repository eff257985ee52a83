// Tokens and rate limits through the app: per-token buckets, 429 with Retry-After, rotation of the Secret on disk.
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, manualClock, startTestServing, type TestServing } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 3);
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 20 });
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef00';
let serving: TestServing | undefined;

afterEach(async () => {
  await serving?.close();
  serving = undefined;
});

async function metricsText(s: TestServing): Promise<string> {
  return (await s.app.request('/metrics')).text();
}

describe('rate limiting', () => {
  it('gives each token its own bucket and answers 429 with Retry-After once it is empty', async () => {
    const clock = manualClock(T0 + 20 * HOUR + 1_000);
    serving = await startTestServing({ artifact, clock, feedCandles: candles, tokens: { alice: ALICE, bob: BOB }, rateLimit: { ratePerSecond: 0.5, burst: 2 } });
    const get = (token: string) => serving!.app.request('/v1/forecast', { headers: bearer(token) });
    expect((await get(ALICE)).status).toBe(200);
    expect((await get(ALICE)).status).toBe(200);
    const limited = await get(ALICE);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(await jsonOf(limited)).toMatchObject({ code: 'rate_limited', error: 'rate limit exceeded for token "alice"; retry in 2 s' });
    // Bob is unaffected, and health, readiness and metrics are never limited.
    expect((await get(BOB)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await serving.app.request('/readyz')).status).toBe(200);
    clock.advance(2_000);
    expect((await get(ALICE)).status).toBe(200);

    const text = await metricsText(serving);
    expect(text).toMatch(/^mur_rate_limited_total\{token="alice"\} 1$/m);
    expect(text).toMatch(/^mur_token_requests_total\{token="alice"\} 4$/m);
    expect(text).toMatch(/^mur_token_requests_total\{token="bob"\} 1$/m);
    expect(text).toMatch(/^mur_http_requests_total\{method="GET",route="\/v1\/forecast",status="429"\} 1$/m);
  });

  it('counts authentication failures by reason', async () => {
    serving = await startTestServing({ artifact, clock: manualClock(T0 + 20 * HOUR), tokens: { alice: ALICE } });
    await serving.app.request('/v1/model');
    await serving.app.request('/v1/model', { headers: bearer('not-a-known-token-0000000000') });
    const text = await metricsText(serving);
    expect(text).toMatch(/^mur_auth_failures_total\{reason="missing"\} 1$/m);
    expect(text).toMatch(/^mur_auth_failures_total\{reason="unknown"\} 1$/m);
  });
});

describe('token rotation on disk', () => {
  it('accepts a rotated Secret without a restart and stops accepting the old token', async () => {
    serving = await startTestServing({ artifact, clock: manualClock(T0 + 20 * HOUR), tokens: {} });
    const dir = serving.tokenDir;
    // The kubelet's layout: files are symlinks into ..data, which points at a timestamped folder.
    const publish = async (version: string, token: string) => {
      await mkdir(join(dir, version));
      await writeFile(join(dir, version, 'alice'), `${token}\n`);
      await symlink(version, join(dir, '..data_tmp'));
      await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    };
    await publish('..2025_03_01_00_00_00.1', ALICE);
    await symlink(join('..data', 'alice'), join(dir, 'alice'));
    const status = async (token: string) => (await serving!.app.request('/v1/model', { headers: bearer(token) })).status;
    await eventually(async () => expect(await status(ALICE)).toBe(200));

    const rotated = 'alice-rotated-token-9876543210';
    await publish('..2025_03_02_00_00_00.2', rotated);
    await eventually(async () => expect(await status(rotated)).toBe(200));
    expect(await status(ALICE)).toBe(401);

    // Removing the key revokes it.
    await rm(join(dir, 'alice'));
    await eventually(async () => expect(await status(rotated)).toBe(401));
  });
});

/** Retry an assertion until it passes (the watch or the 50 ms re-read picks changes up), failing after 5 s. */
async function eventually(assertion: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
