// `npm run bench:server` (node server-image/bench/server.bench.ts): the inference service against a bare
// Hono JSON endpoint in the same run.
// Each server gets core 0, the load generator (autocannon, its own process) core 1. Prints one JSON document;
// BENCH_DURATION_SECONDS (default 8) sets the measured seconds of each run, BENCH_CASES (a comma-separated
// subset of get, post, lone, bare, unbatched; default all) picks the runs, for quicker iterations, and
// BENCH_LOAD_GENERATOR picks wrk (the default when installed: Debian's `wrk` package) or autocannon. wrk
// matters for the GET comparison: autocannon spends more CPU per request than a bare Hono server does, so
// with it both sides of that ratio measure the load generator rather than the servers.
// BENCH_SERVER_NODE_ARGS adds Node flags to the servers under test (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { roundTo } from '../../bench/stats.ts';
import { FileArtifactStore } from '../../core/storage/file-artifact-store.ts';
import { startExchangeReplayServer } from '../../exchange-replay/exchange-replay-server.ts';
import { makeCandles, makeModelArtifact, writeModelArtifact } from '../../test/support/server-fixtures.ts';
import { CAN_PIN, pinSelf, runLoad, startTarget, waitFor200, type BenchTarget, type LoadGenerator, type LoadResult, type LoadSpec } from './bench-processes.ts';
import { HAS_WRK } from './wrk-load.ts';

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const CONNECTIONS = 50;
const DURATION_SECONDS = Number(process.env['BENCH_DURATION_SECONDS'] ?? 8);
const WARMUP_SECONDS = 2;
const ALL_CASES = ['get', 'post', 'lone', 'bare', 'unbatched'] as const;
type BenchCase = (typeof ALL_CASES)[number];
const CASES = new Set((process.env['BENCH_CASES'] ?? ALL_CASES.join(',')).split(',').map((name) => name.trim()));
for (const name of CASES) if (!(ALL_CASES as readonly string[]).includes(name)) throw new Error(`BENCH_CASES: unknown case "${name}" (known: ${ALL_CASES.join(', ')})`);
const runs = (name: BenchCase) => CASES.has(name);
const GENERATOR = (process.env['BENCH_LOAD_GENERATOR'] ?? (HAS_WRK ? 'wrk' : 'autocannon')) as LoadGenerator;
if (GENERATOR !== 'wrk' && GENERATOR !== 'autocannon') throw new Error(`BENCH_LOAD_GENERATOR: "${GENERATOR}" is neither wrk nor autocannon`);
if (GENERATOR === 'wrk' && !HAS_WRK) throw new Error('BENCH_LOAD_GENERATOR=wrk but no wrk on the PATH (Debian: apt-get install wrk)');
const TOKEN = 'bench-token-4f9c2a7e1b3d5f60';
const MODEL = { window: 72, horizon: 24, units: 64, layers: 1, quantiles: [0.1, 0.5, 0.9] } as const;
const HOUR_MS = 3_600_000;

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const loadScript = here('load-generator.ts');

pinSelf(LOAD_CORE);
const workDir = await mkdtemp(join(tmpdir(), 'mur-bench-server-'));
const artifact = makeModelArtifact({ ...MODEL, seed: 11 });
const store = new FileArtifactStore(`file://${join(workDir, 'artifact')}/`);
await writeModelArtifact(store, artifact);
await mkdir(join(workDir, 'tokens'));
await writeFile(join(workDir, 'tokens', 'bench'), `${TOKEN}\n`);
const lastClosed = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
const candles = makeCandles({ start: lastClosed - 199 * HOUR_MS, count: 200, seed: 5 });
const exchange = await startExchangeReplayServer({ candles, timeframe: '1h', symbol: 'BTC/USDT' });

const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const lastWindow = candles.slice(-(MODEL.window + 1));
const objectBody = JSON.stringify({ candles: lastWindow });
const tupleBody = JSON.stringify({ candles: lastWindow.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]) });

const serverEnv = (batching: boolean): Record<string, string> => ({
  MODEL_URI: store.baseUri,
  HOST: '127.0.0.1',
  PORT: '0',
  TOKEN_DIR: join(workDir, 'tokens'),
  EXCHANGE_BASE_URL: exchange.url,
  ORT_THREADS: '1',
  // The limiter runs on every request but never refuses: the benchmark measures serving, not the limit.
  RATE_LIMIT_PER_SECOND: '10000000',
  BATCH_ENABLED: String(batching),
  LOG_LEVEL: 'info',
});

const load = (target: BenchTarget, path: string, overrides: Partial<LoadSpec> = {}): Promise<LoadResult> =>
  runLoad(LOAD_CORE, loadScript, {
    generator: GENERATOR,
    url: `${target.url}${path}`,
    method: 'GET',
    headers: auth,
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    serverPid: target.pid,
    ...overrides,
  });
const post = (target: BenchTarget, body: string, connections = CONNECTIONS, durationSeconds = DURATION_SECONDS) =>
  load(target, '/v1/forecast', { method: 'POST', body, connections, durationSeconds });
const skipped = undefined;

/** Mean feature windows per onnxruntime call so far, from the server's own histogram. */
async function meanBatchSize(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return roundTo(read('mur_inference_batch_size_sum') / read('mur_inference_batch_size_count'), 1);
}

// Every server started, so that a failed run does not leave one running (stop() is a no-op once exited).
const started: BenchTarget[] = [];
const track = (target: BenchTarget): BenchTarget => (started.push(target), target);

// Other work on the machine skews every figure; the load average before and after says how much.
const loadBefore = loadavg()[0]!;
try {
  const batched = track(await startTarget(SERVER_CORE, mainScript, serverEnv(true)));
  await waitFor200(`${batched.url}/v1/forecast`, auth, 30_000);
  // The bare baseline also serves this exact document, to compare like with like.
  const payloadFile = join(workDir, 'forecast.json');
  await writeFile(payloadFile, await (await fetch(`${batched.url}/v1/forecast`, { headers: auth })).text());
  const getForecast = runs('get') ? await load(batched, '/v1/forecast') : skipped;
  const postBatched = runs('post') ? await post(batched, objectBody) : skipped;
  const postTuplesBatched = runs('post') ? await post(batched, tupleBody) : skipped;
  const batchSize = runs('post') ? await meanBatchSize(batched.url) : skipped;
  const loneBatched = runs('lone') ? await post(batched, objectBody, 1, 4) : skipped;
  await batched.stop();

  let bareHono: LoadResult | undefined;
  let bareHonoForecast: LoadResult | undefined;
  if (runs('bare')) {
    const bare = track(await startTarget(SERVER_CORE, here('bare-hono.ts'), { BARE_PAYLOAD_FILE: payloadFile }));
    bareHono = await load(bare, '/');
    bareHonoForecast = await load(bare, '/same');
    await bare.stop();
  }

  let postDirect: LoadResult | undefined;
  let postTuplesDirect: LoadResult | undefined;
  let loneDirect: LoadResult | undefined;
  if (runs('unbatched') || runs('lone')) {
    const direct = track(await startTarget(SERVER_CORE, mainScript, serverEnv(false)));
    await waitFor200(`${direct.url}/v1/forecast`, auth, 30_000);
    postDirect = runs('unbatched') ? await post(direct, objectBody) : skipped;
    postTuplesDirect = runs('unbatched') ? await post(direct, tupleBody) : skipped;
    loneDirect = runs('lone') ? await post(direct, objectBody, 1, 4) : skipped;
    await direct.stop();
  }

  const ratio = (a: LoadResult | undefined, b: LoadResult | undefined) =>
    a === undefined || b === undefined ? null : roundTo(a.requestsPerSecond / b.requestsPerSecond, 2);
  const report = {
    machine: { cpus: cpus().length, node: process.version, pinned: CAN_PIN, serverCore: SERVER_CORE, loadCore: LOAD_CORE, loadAverage1m: { before: loadBefore, after: loadavg()[0]! } },
    model: { ...MODEL, features: artifact.manifest.features.length, onnxBytes: artifact.modelOnnx.byteLength },
    loadGenerator: GENERATOR,
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
    cases: [...CASES],
    bareHono: bareHono && { body: 'a 33-byte JSON object through c.json', ...bareHono },
    bareHonoSameDocument: bareHonoForecast && { body: `the cached forecast document (${(await readFile(payloadFile)).byteLength} bytes) through c.json`, ...bareHonoForecast },
    getForecast,
    postForecast: { body: 'object candles', bodyBytes: objectBody.length, batched: postBatched, unbatched: postDirect, meanBatchSize: batchSize },
    postForecastTuples: { body: '[t,o,h,l,c,v] candles', bodyBytes: tupleBody.length, batched: postTuplesBatched, unbatched: postTuplesDirect },
    loneRequest: { connections: 1, batched: loneBatched, unbatched: loneDirect },
    targets: {
      getVsBare: { ratio: ratio(getForecast, bareHono), target: 0.9 },
      getVsBareSameDocument: { ratio: ratio(getForecast, bareHonoForecast), target: 0.9 },
      postBatchedVsUnbatched: { ratio: ratio(postBatched, postDirect), target: 1.5 },
      postBatched: { body: 'object candles', requestsPerSecond: postBatched?.requestsPerSecond, p99Ms: postBatched?.p99Ms, target: '≥ 8000 req/s, p99 ≤ 20 ms' },
      postBatchedRows: { body: '[t,o,h,l,c,v] candles', requestsPerSecond: postTuplesBatched?.requestsPerSecond, p99Ms: postTuplesBatched?.p99Ms, target: '≥ 8000 req/s, p99 ≤ 20 ms' },
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await Promise.all(started.map((target) => target.stop()));
  await exchange.close();
  await rm(workDir, { recursive: true, force: true });
}
