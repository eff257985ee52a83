// One load run in its own process (pinned by the caller to the load core); prints one JSON line.
// Argument: JSON LoadSpec { generator, url, method, headers, body, connections, durationSeconds, warmupSeconds, serverPid? }.
import { readFileSync } from 'node:fs';
import { roundTo } from '../../bench/stats.ts';
import { loadWithAutocannon } from './autocannon-load.ts';
import type { LoadSpec } from './bench-processes.ts';
import { loadWithWrk } from './wrk-load.ts';

// USER_HZ is 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of a process so far, plus those of its waited-for children; undefined without /proc. */
function processCpuSeconds(pid: number | 'self', withChildren = false): number | undefined {
  try {
    // Fields after the parenthesised command name: utime, stime, cutime, cstime are the 12th to 15th, in ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').map(Number);
    const ticks = fields[11]! + fields[12]! + (withChildren ? fields[13]! + fields[14]! : 0);
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let serverCpuSeconds: number | undefined;
let ownCpuSeconds: number | undefined;
/** Brackets the measured run: CPU time of the server and of this side (wrk is a child process) over it. */
async function measure<T>(run: () => Promise<T>): Promise<T> {
  const serverBefore = spec.serverPid === undefined ? undefined : processCpuSeconds(spec.serverPid);
  const ownBefore = processCpuSeconds('self', true);
  const result = await run();
  const serverAfter = spec.serverPid === undefined ? undefined : processCpuSeconds(spec.serverPid);
  const ownAfter = processCpuSeconds('self', true);
  if (serverBefore !== undefined && serverAfter !== undefined) serverCpuSeconds = serverAfter - serverBefore;
  if (ownBefore !== undefined && ownAfter !== undefined) ownCpuSeconds = ownAfter - ownBefore;
  return result;
}

const load = spec.generator === 'wrk' ? await loadWithWrk(spec, measure) : await loadWithAutocannon(spec, measure);
process.stdout.write(
  `${JSON.stringify({
    generator: load.generator,
    requestsPerSecond: Math.round(load.requests / load.seconds),
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    meanMs: load.meanMs,
    total: load.requests,
    non2xx: load.non2xx,
    errors: load.errors,
    timeouts: load.timeouts,
    // Share of one core each side used: a load generator near 1 means it, not the server, set the pace.
    serverCpu: serverCpuSeconds === undefined ? null : roundTo(serverCpuSeconds / load.seconds, 2),
    serverCpuMicrosPerRequest: serverCpuSeconds === undefined || load.requests === 0 ? null : roundTo((serverCpuSeconds / load.requests) * 1e6, 1),
    loadGeneratorCpu: ownCpuSeconds === undefined ? null : roundTo(ownCpuSeconds / load.seconds, 2),
  })}\n`,
);
