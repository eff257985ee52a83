import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child process serving HTTP on a port it announced in a `{"msg":"listening","port":…}` log line. */
export interface BenchTarget {
  readonly url: string;
  readonly child: ChildProcess;
  /** The server's process id (taskset execs Node in place, so it is the child's). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** True when `taskset` can pin processes to a core here. */
export const CAN_PIN = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0;

/** Argument vector running `script` under this Node (with `nodeArgs`), pinned to `core` when taskset exists. */
export function pinnedNode(core: number, script: string, args: string[] = [], nodeArgs: string[] = []): [string, string[]] {
  const node = [process.execPath, ...nodeArgs, script, ...args];
  return CAN_PIN ? ['taskset', ['-c', String(core), ...node]] : [node[0]!, node.slice(1)];
}

/** Extra Node flags for the servers under test, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them. */
const SERVER_NODE_ARGS = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== '');

/** Pin the current process (the orchestrator and the exchange replay server) to `core`. */
export function pinSelf(core: number): void {
  if (CAN_PIN) spawnSync('taskset', ['-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Start `script` pinned to `core` with `env` and wait for its listening line. */
export async function startTarget(core: number, script: string, env: Record<string, string>): Promise<BenchTarget> {
  const [command, args] = pinnedNode(core, script, [], SERVER_NODE_ARGS);
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${script} did not start listening within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number; level?: string };
        if (entry.msg === 'listening' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolve(entry.port);
        } else if (entry.level === 'error' || entry.level === 'fatal') process.stderr.write(`${line}\n`);
      } catch {
        process.stderr.write(`${line}\n`);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Poll `url` until it answers 200 (with `headers`), or fail after `timeoutMs`. */
export async function waitFor200(url: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Result of one load run, as load-generator.ts prints it. */
export interface LoadResult {
  /** The tool that generated the load. */
  readonly generator: LoadGenerator;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Share of one core the server used while measured (null without /proc). */
  readonly serverCpu: number | null;
  /** Server CPU time per answered request, µs: steadier than req/s on a machine shared with other work. */
  readonly serverCpuMicrosPerRequest: number | null;
  /** Share of one core the load generator used; near 1 means it, not the server, set the pace (null without /proc). */
  readonly loadGeneratorCpu: number | null;
}

/** The figures of one measured load run, whichever tool produced them. */
export interface MeasuredLoad {
  readonly generator: LoadGenerator;
  readonly requests: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/** `wrk` (C, light enough to saturate a Node server from one core) or `autocannon` (npm, always there). */
export type LoadGenerator = 'wrk' | 'autocannon';

/** What to send in one load run. */
export interface LoadSpec {
  readonly generator: LoadGenerator;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Process id of the server under load, whose CPU time is reported. */
  readonly serverPid?: number;
}

/** Run autocannon in its own process pinned to `core` and return its figures. */
export async function runLoad(core: number, script: string, spec: LoadSpec): Promise<LoadResult> {
  const [command, args] = pinnedNode(core, script, [JSON.stringify(spec)]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(output.trim().split('\n').pop()!) as LoadResult;
}
