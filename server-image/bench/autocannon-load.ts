// Drives one load run with autocannon, in this process.
import { createRequire } from 'node:module';
import type { LoadSpec, MeasuredLoad } from './bench-processes.ts';

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

/** Warm up, then measure one run with autocannon; `measure` brackets the measured run (CPU accounting). */
export async function loadWithAutocannon(spec: LoadSpec, measure: <T>(run: () => Promise<T>) => Promise<T>): Promise<MeasuredLoad> {
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
  const result = await measure(() => autocannon({ ...options, duration: spec.durationSeconds }));
  return {
    generator: 'autocannon',
    requests: result.requests.total,
    seconds: result.duration || spec.durationSeconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
