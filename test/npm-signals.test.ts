// The documented laptop server command, `npm run mur -- serve`, stops when the npm process is signalled (a
// process manager, `kill`, a CI job's timeout), not only on Ctrl-C: nothing is left holding the port.
// npm forwards SIGINT and SIGTERM to the process it started, so that process must be the server itself and
// not a `sh -c` that neither passes the signal on nor waits for the server it orphans.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileArtifactStore } from '../core/storage/file-artifact-store.ts';
import { REPO_ROOT } from './support/run-cli.ts';
import { makeModelArtifact, writeModelArtifact } from './support/server-fixtures.ts';

let workDir: string;
let modelUri: string;
/** Processes a failed test may leave behind; killed after each test. */
let leftovers: number[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mur-npm-signals-'));
  const store = new FileArtifactStore(`file://${join(workDir, 'artifact')}/`);
  await writeModelArtifact(store, makeModelArtifact({ window: 12, horizon: 4, units: 8 }));
  modelUri = store.baseUri;
  await writeFile(join(workDir, 'laptop'), 'npm-signals-token-0123456789');
});
afterEach(() => {
  for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  leftovers = [];
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Every process below `pid`, from `ps` (Linux and macOS). */
function descendantsOf(pid: number): number[] {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((row) => row.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  for (let parents = [pid]; parents.length > 0; ) {
    parents = rows.filter(([, ppid]) => parents.includes(ppid)).map(([child]) => child);
    found.push(...parents);
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when nothing listens on `port` any more: we can take it ourselves. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `npm run mur -- serve` as the README documents it, until the server logs the port it listens on. */
async function startThroughNpm(): Promise<{ npm: ChildProcess; port: number; output: () => string }> {
  const npm = spawn('npm', ['run', 'mur', '--', 'serve'], {
    cwd: REPO_ROOT,
    env: { ...process.env, npm_config_update_notifier: 'false', MODEL_URI: modelUri, TOKEN_DIR: workDir, HOST: '127.0.0.1', PORT: '0', EXCHANGE_BASE_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  npm.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    npm.once('exit', (code) => reject(new Error(`npm exited with ${code} before the server listened:\n${chunks.join('')}`)));
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      chunks.push(`${line}\n`);
      // npm's own "> make-us-rich@… mur" banner shares stdout with the server's JSON log lines.
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry['msg'] === 'listening') resolve(entry['port'] as number);
    });
  });
  return { npm, port, output: () => chunks.join('') };
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} 10 s after the signal`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm run mur -- serve', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops the server and frees its port when npm itself gets %s', async (signal) => {
    const { npm, port, output } = await startThroughNpm();
    const processes = descendantsOf(npm.pid!);
    leftovers = [npm.pid!, ...processes];
    expect(processes.length).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    npm.kill(signal);
    await eventually(() => npm.exitCode !== null || npm.signalCode !== null, 'npm had not exited');
    await eventually(() => processes.every((pid) => !isAlive(pid)), `the server (pids ${processes.join(', ')}) was still running`);
    expect(await portIsFree(port)).toBe(true);
    // It stopped through its own handler (draining), not by being killed outright.
    expect(output()).toContain(`"signal":"${signal}","msg":"shutting down`);
  });
});
