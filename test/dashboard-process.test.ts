// The dashboard image's entry point as a process: configured by environment, reading its token from a file,
// proxying to a real inference service, and exiting cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInferenceUpstream, type InferenceUpstream } from './support/inference-upstream.ts';
import { startDashboardProcess } from './support/dashboard-process.ts';
import { jsonOf } from './support/server-harness.ts';

const root = join(import.meta.dirname, '..');
let upstream: InferenceUpstream;
let tokenDir: string;


function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

beforeAll(async () => {
  upstream = await startInferenceUpstream();
  tokenDir = await mkdtemp(join(tmpdir(), 'dashboard-process-'));
  await writeFile(join(tokenDir, 'default'), `${upstream.token}\n`);
});
afterAll(async () => {
  await upstream?.close();
  if (tokenDir) await rm(tokenDir, { recursive: true, force: true });
});

describe('node dashboard/src/main.ts', () => {
  it('serves one target from DASHBOARD_TARGET_URL and DASHBOARD_TOKEN_FILE, then exits 0 on SIGTERM', async () => {
    const { child, url, output } = await startDashboardProcess({ DASHBOARD_TARGET_URL: upstream.url, DASHBOARD_TOKEN_FILE: join(tokenDir, 'default'), DASHBOARD_TARGET_NAME: 'btc-usdt' });
    const exited = exitOf(child);
    try {
      expect(await jsonOf(fetch(`${url}api/targets`))).toEqual({ targets: [{ name: 'btc-usdt' }] });
      const forecast = await jsonOf(fetch(`${url}api/btc-usdt/forecast`));
      expect(forecast).toMatchObject({ symbol: 'BTC/USDT', modelVersion: 'btc-usdt-run-7' });
      expect((await fetch(url)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"shutting down"');
    expect(output()).not.toContain(upstream.token);
  });

  it('exits 2 naming the variable when the configuration is wrong', async () => {
    const child = spawn(process.execPath, ['dashboard/src/main.ts'], { cwd: root, env: { PATH: process.env.PATH ?? '', DASHBOARD_TARGETS: '[{"name":"btc","url":"http://x:8080"}]' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    expect(await exitOf(child)).toBe(2);
    expect(stderr).toBe('mur-dashboard: DASHBOARD_TARGETS[0].tokenFile is required when DASHBOARD_TOKEN_FILE is not set\n');
  });
});
