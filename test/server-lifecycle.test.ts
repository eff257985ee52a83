// The real entry point as a process: JSON logs with request ids, and SIGTERM that stops accepting,
// drains the request in flight and exits cleanly before the deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../core/storage/file-artifact-store.ts';
import { makeCandles, makeModelArtifact, writeModelArtifact } from './support/server-fixtures.ts';

const HOUR = 3_600_000;
const TOKEN = 'lifecycle-token-0123456789';
const mainScript = new URL('../server-image/src/main.ts', import.meta.url).pathname;
let workDir: string;
let modelUri: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mur-server-lifecycle-'));
  const store = new FileArtifactStore(`file://${join(workDir, 'artifact')}/`);
  await writeModelArtifact(store, makeModelArtifact({ window: 12, horizon: 4, units: 8 }));
  modelUri = store.baseUri;
  await writeFile(join(workDir, 'ci'), TOKEN);
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

interface RunningMain {
  readonly child: ChildProcess;
  readonly port: number;
  readonly logs: Array<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

async function startMain(env: Record<string, string>): Promise<RunningMain> {
  const child = spawn(process.execPath, [mainScript], {
    env: { PATH: process.env['PATH'] ?? '', MODEL_URI: modelUri, HOST: '127.0.0.1', PORT: '0', TOKEN_DIR: workDir, EXCHANGE_BASE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry['msg'] === 'listening') resolve(entry['port'] as number);
    });
  });
  await waitUntilReady(port);
  return { child, port, logs, exited };
}

async function waitUntilReady(port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status)) !== 200) {
    if (Date.now() > deadline) throw new Error('server did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Start a POST whose body is sent in two halves, so the request is in flight until `finish` is called. */
function slowForecastRequest(port: number, body: string): { finish(): void; response: Promise<{ status: number; body: string; connection: string | undefined }> } {
  const half = Math.floor(body.length / 2);
  let finish = () => {};
  const response = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/forecast', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  return { finish: () => finish(), response };
}

describe('server process', () => {
  it('drains the request in flight on SIGTERM, refuses new connections, and exits 0', async () => {
    const server = await startMain({});
    const now = Date.now();
    const lastClosed = Math.floor(now / HOUR) * HOUR - HOUR;
    const candles = makeCandles({ start: lastClosed - 12 * HOUR, count: 13 });
    const inFlight = slowForecastRequest(server.port, JSON.stringify({ candles }));
    await new Promise((resolve) => setTimeout(resolve, 100));

    server.child.kill('SIGTERM');
    await eventually(() => server.logs.some((entry) => entry['msg'] === 'shutting down: no new connections, draining in-flight requests'));
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();

    inFlight.finish();
    const answer = await inFlight.response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).points).toHaveLength(4);
    expect(await server.exited).toBe(0);
    expect(server.logs.find((entry) => entry['msg'] === 'shut down')).toMatchObject({ forced: false });

    // Every log line is JSON; request lines carry the request id and the token's name, never the token.
    const finished = server.logs.find((entry) => entry['msg'] === 'request finished' && entry['path'] === '/v1/forecast');
    expect(finished).toMatchObject({ level: 'debug', method: 'POST', status: 200, token: 'ci', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(JSON.stringify(server.logs)).not.toContain(TOKEN);
  });

  it('keeps draining through a second SIGTERM, and closes the connection of the request it drains', async () => {
    const server = await startMain({});
    const lastClosed = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const inFlight = slowForecastRequest(server.port, JSON.stringify({ candles: makeCandles({ start: lastClosed - 12 * HOUR, count: 13 }) }));
    await new Promise((resolve) => setTimeout(resolve, 100));

    server.child.kill('SIGTERM');
    await eventually(() => server.logs.some((entry) => entry['msg'] === 'shutting down: no new connections, draining in-flight requests'));
    server.child.kill('SIGTERM');
    // Give the second signal time to land before the drain can finish.
    await new Promise((resolve) => setTimeout(resolve, 200));

    inFlight.finish();
    const answer = await inFlight.response;
    expect(answer.status).toBe(200);
    expect(answer.connection).toBe('close');
    expect(await server.exited).toBe(0);
    expect(server.logs.filter((entry) => entry['msg'] === 'shutting down: no new connections, draining in-flight requests')).toHaveLength(1);
  });

  it('cuts a request that will not finish once the drain budget is spent, and still exits 0 in time', async () => {
    const server = await startMain({ SHUTDOWN_TIMEOUT_MS: '2000' });
    const stuck = slowForecastRequest(server.port, JSON.stringify({ candles: [] }));
    const settled = stuck.response.catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.logs.find((entry) => entry['msg'] === 'shut down')).toMatchObject({ forced: true });
    expect(await settled).toBeInstanceOf(Error);
  });

  it('exits 2 naming the variable when the configuration is wrong', async () => {
    const child = spawn(process.execPath, [mainScript], { env: { PATH: process.env['PATH'] ?? '', MODEL_URI: 'ftp://nowhere/' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(2);
    expect(stderr).toMatch(/^mur-server: MODEL_URI "ftp:\/\/nowhere\/" must start with s3:\/\/ or file:\/\//);
  });
});

async function eventually(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
