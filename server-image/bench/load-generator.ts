// One autocannon run in its own process (pinned by the caller to the load core); prints one JSON line.
// Argument: JSON { url, method, headers, body, connections, durationSeconds, warmupSeconds }.
import { createRequire } from 'node:module';

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

interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
}

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
const result = await autocannon({ ...options, duration: spec.durationSeconds });
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: Math.round(result.requests.total / (result.duration || spec.durationSeconds)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanMs: result.latency.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
