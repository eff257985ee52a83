/**
 * Operator benchmark: the fake API server, the Job and Deployment simulators (trainer Jobs complete at once
 * with a prepared artifact summary, Deployments become available at once) and the operator as its own
 * process. Applies N ForecastModels and prints JSON: seconds until all are Ready, API requests per model,
 * the operator's peak RSS, and the writes a full second reconcile pass makes (the steady state must make none).
 *
 *   npm run bench:operator                 # N = 100 and N = 1000
 *   npm run bench:operator -- 50 200       # other sizes
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { RunMetrics } from '../core/crd/metrics.ts';
import { createKubeRest } from '../operator/kube/rest-client.ts';
import { startFakeKubeApiServer, type KubeObject } from '../test/fake-kube/index.ts';
import { startDeploymentSimulator } from '../test/support/deployment-simulator.ts';
import { startJobSimulator } from '../test/support/job-simulator.ts';
import { generatedCrds } from '../test/support/operator-harness.ts';
import { preparedTrainerRunner } from '../test/support/prepared-trainer.ts';
import { startNodeProcess } from '../test/support/simulated-pod.ts';
import { roundTo } from './stats.ts';

const NAMESPACE = 'bench';
const METRICS: RunMetrics = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };
const RESYNC_SECONDS = 15;

interface Result {
  readonly models: number;
  readonly secondsToAllReady: number;
  readonly apiRequestsPerModel: { readonly operator: number; readonly operatorWrites: number; readonly includingApply: number };
  readonly operatorRequestsByVerb: Record<string, number>;
  readonly steadyStatePass: { readonly reconciles: number; readonly writes: number };
  readonly operatorPeakRssMiB: number;
  /** V8 heap in use after the steady-state pass: what the caches and the process really hold. */
  readonly operatorHeapUsedMiB: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

/** The operator's counters from its /metrics: requests by verb and reconciles by controller. */
async function scrape(port: number): Promise<{ byVerb: Record<string, number>; reconciles: number; queued: number; heapUsedMiB: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const byVerb: Record<string, number> = {};
  let reconciles = 0;
  let queued = 0;
  let heapUsedMiB = 0;
  for (const line of text.split('\n')) {
    const heap = /^mur_operator_nodejs_heap_size_used_bytes (\d+)/.exec(line);
    if (heap) heapUsedMiB = Math.round(Number(heap[1]) / 1048576);
    const request = /^mur_operator_api_requests_total\{verb="(\w+)",code="\d+"\} (\d+)/.exec(line);
    if (request) byVerb[request[1]!] = (byVerb[request[1]!] ?? 0) + Number(request[2]);
    const reconcile = /^mur_operator_reconcile_total\{[^}]*\} (\d+)/.exec(line);
    if (reconcile) reconciles += Number(reconcile[1]);
    const depth = /^mur_operator_queue_depth\{[^}]*\} (\d+)/.exec(line);
    if (depth) queued += Number(depth[1]);
  }
  return { byVerb, reconciles, queued, heapUsedMiB };
}

const writes = (byVerb: Record<string, number>) => ['POST', 'PUT', 'PATCH', 'DELETE'].reduce((sum, verb) => sum + (byVerb[verb] ?? 0), 0);
const total = (byVerb: Record<string, number>) => Object.values(byVerb).reduce((sum, n) => sum + n, 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function peakRssMiB(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return roundTo(kib / 1024, 1);
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function benchmark(models: number): Promise<Result> {
  const server = await startFakeKubeApiServer({ crds: generatedCrds(), namespaces: ['default', 'make-us-rich', NAMESPACE] });
  server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-s3', namespace: NAMESPACE }, data: {} } as KubeObject);
  const jobs = startJobSimulator({ server, runTrainer: preparedTrainerRunner(() => ({ metrics: METRICS })), pollMs: 100 });
  const deployments = startDeploymentSimulator({ server, mode: 'instant', pollMs: 100 });
  const port = await freePort();
  const { child, output } = startNodeProcess('operator/main.ts', [], {
    KUBECONFIG: server.kubeconfigPath,
    MUR_TRAINER_IMAGE: 'ghcr.io/make-us-rich/trainer:bench',
    MUR_SERVER_IMAGE: 'ghcr.io/make-us-rich/server:bench',
    MUR_ARTIFACT_BASE_URI: 's3://artifacts/',
    MUR_LEADER_ELECT: 'false',
    MUR_HTTP_PORT: String(port),
    MUR_WORKERS: '32',
    MUR_RESYNC_SECONDS: String(RESYNC_SECONDS),
    MUR_LOG_LEVEL: 'warn',
    // As operator/Dockerfile runs it; OPERATOR_NODE_OPTIONS tries other V8 settings.
    NODE_OPTIONS: process.env.OPERATOR_NODE_OPTIONS ?? '--max-semi-space-size=4',
  });
  try {
    await until('the operator to be ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok ?? false, 30_000);
    const before = await scrape(port);
    const rest = createKubeRest(server.kubeConfig);
    const started = performance.now();
    const names = Array.from({ length: models }, (_, i) => `pair-${String(i).padStart(4, '0')}`);
    // Apply as a platform team's CI would: many kubectl applies at once, a few in flight.
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(
        names.slice(i, i + 20).map((name) =>
          rest.create(`/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${NAMESPACE}/forecastmodels`, {
            apiVersion: 'forecasting.makeusrich.io/v1alpha1',
            kind: 'ForecastModel',
            metadata: { name, namespace: NAMESPACE },
            spec: { market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 }, model: { window: 12, horizon: 3, units: 8, epochs: 2 } },
          }),
        ),
      );
    }
    const readyCount = () =>
      server.store
        .list({ apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel', namespace: NAMESPACE })
        .filter((fm) => (fm as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    await until(`${models} ForecastModels Ready`, () => readyCount() === models, 300_000, 200);
    const secondsToAllReady = (performance.now() - started) / 1000;
    await sleep(500);
    const ready = await scrape(port);
    const byVerb = Object.fromEntries(Object.entries(ready.byVerb).map(([verb, n]) => [verb, n - (before.byVerb[verb] ?? 0)]));

    // Steady state: wait for one full periodic resync to reconcile every object again; it must write nothing.
    const steadyFrom = await scrape(port);
    await until('a full resync pass', async () => {
      const now = await scrape(port);
      return now.reconciles - steadyFrom.reconciles >= 2 * models && now.queued === 0;
    }, (RESYNC_SECONDS + 120) * 1000, 500);
    await sleep(1000);
    const steadyTo = await scrape(port);
    const operatorRequests = total(byVerb);
    return {
      models,
      secondsToAllReady: roundTo(secondsToAllReady, 2),
      apiRequestsPerModel: {
        operator: roundTo(operatorRequests / models, 2),
        operatorWrites: roundTo(writes(byVerb) / models, 2),
        includingApply: roundTo((operatorRequests + models) / models, 2),
      },
      operatorRequestsByVerb: byVerb,
      steadyStatePass: { reconciles: steadyTo.reconciles - steadyFrom.reconciles, writes: writes(steadyTo.byVerb) - writes(steadyFrom.byVerb) },
      operatorPeakRssMiB: peakRssMiB(child),
      operatorHeapUsedMiB: steadyTo.heapUsedMiB,
    };
  } catch (error) {
    console.error(output().slice(-4000));
    throw error;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await jobs.stop();
    await deployments.stop();
    await server.close();
  }
}

const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const results: Result[] = [];
for (const models of sizes.length > 0 ? sizes : [100, 1000]) results.push(await benchmark(models));
console.log(JSON.stringify(results, null, 2));
