// One autocannon run in its own process (pinned by the caller to the load core); prints one JSON line.
// Argument: JSON { url, method, headers, body, connections, durationSeconds, warmupSeconds, serverPid? }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LoadSpec } from './bench-processes.ts';

/** The part of autocannon's result this benchmark reads (the package ships no type declarations). */
interface AutocannonResult {
  readonly duration: number;
  readonly requests: { readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is no /proc. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
// USER_HZ is 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const options = {
  url: spec.url,
  method: spec.method,
  headers: spec.headers,
  ...(spec.body !== undefined && { body: spec.body }),
  connections: spec.connections,
  pipelining: 1,
};
// JIT warm-up of both sides and the first micro-batches; its numbers are thrown away.
if (spec.warmupSeconds > 0) await autocannon({ ...options, duration: spec.warmupSeconds });
const serverCpuBefore = spec.serverPid === undefined ? undefined : processCpuSeconds(spec.serverPid);
const ownCpuBefore = process.cpuUsage();
const result = await autocannon({ ...options, duration: spec.durationSeconds });
const ownCpu = process.cpuUsage(ownCpuBefore);
const serverCpuAfter = spec.serverPid === undefined ? undefined : processCpuSeconds(spec.serverPid);
const seconds = result.duration || spec.durationSeconds;
const serverCpuSeconds = serverCpuBefore !== undefined && serverCpuAfter !== undefined ? serverCpuAfter - serverCpuBefore : undefined;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: Math.round(result.requests.total / seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    // Share of one core each side used: a load generator near 1 means it, not the server, set the pace.
    serverCpu: serverCpuSeconds === undefined ? null : round(serverCpuSeconds / seconds, 2),
    serverCpuMicrosPerRequest: serverCpuSeconds === undefined || result.requests.total === 0 ? null : round((serverCpuSeconds / result.requests.total) * 1e6, 1),
    loadGeneratorCpu: round((ownCpu.user + ownCpu.system) / 1e6 / seconds, 2),
  })}\n`,
);
