// Drives one load run with Debian's `wrk` (C, event loop, one thread): far cheaper per request than
// autocannon, so on a single load core it can saturate a server pinned to the other core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { roundTo } from '../../bench/stats.ts';
import type { LoadSpec, MeasuredLoad } from './bench-processes.ts';

/** True when a `wrk` binary is on the PATH. */
export const HAS_WRK = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;

/** What the generated script's `done` hook prints. */
interface WrkSummary {
  readonly requests: number;
  readonly durationMicros: number;
  readonly p50Micros: number;
  readonly p99Micros: number;
  readonly meanMicros: number;
  readonly status: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly timeout: number;
}

/** `value` as a Lua long-bracket string literal (no escapes to get wrong). */
function luaString(value: string): string {
  if (value.includes(']==]')) throw new Error('wrk script: a header or body contains "]==]"');
  return `[==[${value}]==]`;
}

/** The Lua script setting method, headers and body, and printing the figures as one JSON line. */
export function wrkScript(spec: Pick<LoadSpec, 'method' | 'headers' | 'body'>): string {
  const lines = [`wrk.method = ${luaString(spec.method)}`];
  for (const [name, value] of Object.entries(spec.headers)) lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`);
  if (spec.body !== undefined) lines.push(`wrk.body = ${luaString(spec.body)}`);
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('{"requests":%d,"durationMicros":%d,"p50Micros":%d,"p99Micros":%d,"meanMicros":%.1f,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\\n',`,
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean, e.status, e.connect, e.read, e.write, e.timeout))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

/** Run wrk once with one thread for `seconds` and return its figures. */
async function runWrkOnce(scriptFile: string, spec: LoadSpec, seconds: number): Promise<WrkSummary> {
  const args = ['-t1', `-c${spec.connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', scriptFile, spec.url];
  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = output.split('\n').find((text) => text.startsWith('{"requests"'));
  if (code !== 0 || line === undefined) throw new Error(`wrk exited with ${code}: ${output}`);
  return JSON.parse(line) as WrkSummary;
}

/** Warm up, then measure one run with wrk; `measure` brackets the measured run (CPU accounting). */
export async function loadWithWrk(spec: LoadSpec, measure: <T>(run: () => Promise<T>) => Promise<T>): Promise<MeasuredLoad> {
  const dir = await mkdtemp(join(tmpdir(), 'mur-wrk-'));
  try {
    const scriptFile = join(dir, 'load.lua');
    await writeFile(scriptFile, wrkScript(spec));
    if (spec.warmupSeconds > 0) await runWrkOnce(scriptFile, spec, spec.warmupSeconds);
    const summary = await measure(() => runWrkOnce(scriptFile, spec, spec.durationSeconds));
    const ms = (micros: number) => roundTo(micros / 1000, 2);
    return {
      generator: 'wrk',
      requests: summary.requests,
      seconds: summary.durationMicros / 1e6,
      p50Ms: ms(summary.p50Micros),
      p99Ms: ms(summary.p99Micros),
      meanMs: ms(summary.meanMicros),
      // wrk counts answers with status ≥ 400 as status errors.
      non2xx: summary.status,
      errors: summary.connect + summary.read + summary.write,
      timeouts: summary.timeout,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
