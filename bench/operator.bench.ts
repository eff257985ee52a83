/**
 * Operator benchmark on the real control plane: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler, the operator as its own process under its ServiceAccount, and the process kubelet in this
 * process. The kubelet does not start processes here: trainer containers end at once with a prepared
 * summary and inference containers are ready at once (the output says so). Applies N ForecastModels and
 * prints JSON: seconds until all are Ready, the operator's API requests per model (from the apiserver's audit
 * log), the writes a full second reconcile pass makes (the steady state must make none), the operator's peak
 * RSS and the control plane's CPU seconds.
 *
 *   npm run bench:operator                 # N = 100 and N = 1000
 *   npm run bench:operator -- 50 200       # other sizes
 */
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { RunMetrics } from '../core/crd/metrics.ts';
import type { KubeRest } from '../operator/kube/rest-client.ts';
import { adminRest, installCrds, installOperatorIdentity, OPERATOR_IDENTITY } from '../local-cluster/bootstrap.ts';
import { startControlPlane, tokenKubeconfig, type ControlPlane } from '../local-cluster/control-plane.ts';
import { startProcessKubelet } from '../local-cluster/kubelet/process-kubelet.ts';
import { freePort } from '../local-cluster/net.ts';
import { startNodeProcess } from '../test/support/node-process.ts';
import { preparedOperatorRuntime } from '../test/support/prepared-trainer.ts';
import { roundTo } from './stats.ts';

const NAMESPACE = 'bench';
const NODE = 'mur-bench-node';
const METRICS: RunMetrics = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };
const RESYNC_SECONDS = 20;
const OPERATOR_USER = `system:serviceaccount:${OPERATOR_IDENTITY.namespace}:${OPERATOR_IDENTITY.serviceAccount}`;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);

interface Result {
  readonly models: number;
  readonly containers: 'prepared (no processes started)';
  readonly secondsToAllReady: number;
  readonly apiRequestsPerModel: { readonly operator: number; readonly operatorWrites: number };
  readonly operatorRequestsByVerb: Record<string, number>;
  /** The same requests per model, by verb and resource. */
  readonly operatorRequestsPerModelByResource: Record<string, number>;
  readonly steadyStatePass: { readonly reconciles: number; readonly writes: number };
  readonly operatorPeakRssMiB: number;
  readonly controlPlaneCpuSeconds: Record<string, number>;
  /** CPU of this process: the process kubelet, the applies and the polling. */
  readonly benchProcessCpuSeconds: number;
  readonly loadAverageAfter: number;
  /** Every client's requests the apiserver served during the run, the largest groups: what the control plane spent its CPU on. */
  readonly apiServerRequestsByResource: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The operator's audited requests by verb, counted from line `from` of the audit log; returns the new line count. */
function auditedRequests(path: string, from: number): { byVerb: Record<string, number>; byResource: Record<string, number>; lines: number } {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const byVerb: Record<string, number> = {};
  const byResource: Record<string, number> = {};
  for (const line of lines.slice(from)) {
    const event = JSON.parse(line) as { user?: { username?: string }; verb: string; objectRef?: { resource?: string; subresource?: string } };
    if (event.user?.username !== OPERATOR_USER) continue;
    byVerb[event.verb] = (byVerb[event.verb] ?? 0) + 1;
    const resource = `${event.verb} ${event.objectRef?.resource ?? '?'}${event.objectRef?.subresource ? `/${event.objectRef.subresource}` : ''}`;
    byResource[resource] = (byResource[resource] ?? 0) + 1;
  }
  return { byVerb, byResource, lines: lines.length };
}

const writes = (byVerb: Record<string, number>) => Object.entries(byVerb).reduce((sum, [verb, n]) => sum + (WRITE_VERBS.has(verb) ? n : 0), 0);
const total = (byVerb: Record<string, number>) => Object.values(byVerb).reduce((sum, n) => sum + n, 0);

async function reconcileCount(port: number): Promise<{ reconciles: number; queued: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let reconciles = 0;
  let queued = 0;
  for (const line of text.split('\n')) {
    const reconcile = /^mur_operator_reconcile_total\{[^}]*\} (\d+)/.exec(line);
    if (reconcile) reconciles += Number(reconcile[1]);
    const depth = /^mur_operator_queue_depth\{[^}]*\} (\d+)/.exec(line);
    if (depth) queued += Number(depth[1]);
  }
  return { reconciles, queued };
}

function peakRssMiB(child: ChildProcess): number {
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  return roundTo(kib / 1024, 1);
}

/** kube-apiserver's own request counter (all clients), summed by `verb resource[/subresource]`, largest first. */
async function apiServerRequests(plane: ControlPlane): Promise<Record<string, number>> {
  const text = await new Promise<string>((resolve, reject) => {
    const request = httpsRequest(`${plane.server}/metrics`, { ca: plane.caPem, headers: { Authorization: `Bearer ${plane.adminToken}` } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(body));
    });
    request.on('error', reject);
    request.end();
  });
  const totals = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(line)?.[1] ?? '';
    const key = `${label('verb')} ${label('resource')}${label('subresource') ? `/${label('subresource')}` : ''}`;
    totals.set(key, (totals.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).slice(0, 12));
}

async function readyCount(rest: KubeRest): Promise<number> {
  const list = await rest.list<{ status?: { conditions?: { type: string; status: string }[] } }>(`/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${NAMESPACE}/forecastmodels`);
  return list.items.filter((fm) => fm.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

async function prepareCluster(plane: ControlPlane): Promise<{ rest: KubeRest; operatorKubeconfig: string }> {
  const rest = adminRest(plane.adminKubeconfigPath);
  await installCrds(rest);
  const token = await installOperatorIdentity(rest);
  await rest.create('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  });
  await rest.create(`/api/v1/namespaces/${NAMESPACE}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-s3' }, data: {} });
  await rest.create(`/api/v1/namespaces/${NAMESPACE}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-api-tokens' }, data: { bench: Buffer.from('bench-token-0123456789').toString('base64') } });
  const operatorKubeconfig = join(plane.dir, 'operator.kubeconfig');
  writeFileSync(operatorKubeconfig, tokenKubeconfig(plane.server, plane.caPem, token));
  return { rest, operatorKubeconfig };
}

async function benchmark(models: number): Promise<Result> {
  const plane = await startControlPlane({ nodes: [NODE], auditNamespaces: [OPERATOR_IDENTITY.namespace] });
  const { rest, operatorKubeconfig } = await prepareCluster(plane);
  const kubelet = await startProcessKubelet({
    server: plane.server,
    caPem: plane.caPem,
    token: plane.nodeTokens[NODE]!,
    nodeName: NODE,
    runtime: preparedOperatorRuntime(() => ({ metrics: METRICS })),
    pidsFile: join(plane.dir, 'pids'),
  });
  const port = await freePort();
  const { child, output } = startNodeProcess('operator/main.ts', [], {
    KUBECONFIG: operatorKubeconfig,
    MUR_TRAINER_IMAGE: 'ghcr.io/make-us-rich/trainer:bench',
    MUR_SERVER_IMAGE: 'ghcr.io/make-us-rich/server:bench',
    MUR_ARTIFACT_BASE_URI: 's3://artifacts/',
    MUR_WATCH_NAMESPACES: NAMESPACE,
    MUR_LEADER_ELECT: 'false',
    MUR_HTTP_PORT: String(port),
    MUR_WORKERS: '32',
    MUR_RESYNC_SECONDS: String(RESYNC_SECONDS),
    MUR_LOG_LEVEL: 'warn',
    // As the Dockerfile's operator target runs it; OPERATOR_NODE_OPTIONS tries other V8 settings.
    NODE_OPTIONS: process.env.OPERATOR_NODE_OPTIONS ?? '--max-semi-space-size=4',
  });
  // The reaper kills what the pid list names if this bench is killed: the operator too.
  appendFileSync(join(plane.dir, 'pids'), `${child.pid}\n`);
  const cpuBefore = plane.cpuSeconds();
  const ownCpuBefore = process.cpuUsage();
  try {
    await until('the operator to be ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok ?? false, 60_000);
    const before = auditedRequests(plane.auditLogPath, 0);
    const started = performance.now();
    const names = Array.from({ length: models }, (_, i) => `pair-${String(i).padStart(4, '0')}`);
    // Apply as a platform team's CI would: many kubectl applies at once, a few in flight.
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(
        names.slice(i, i + 20).map((name) =>
          rest.create(`/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${NAMESPACE}/forecastmodels`, {
            apiVersion: 'forecasting.makeusrich.io/v1alpha1',
            kind: 'ForecastModel',
            metadata: { name },
            spec: { market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 }, model: { window: 12, horizon: 3, units: 8, epochs: 2 } },
          }),
        ),
      );
    }
    await until(`${models} ForecastModels Ready`, async () => (await readyCount(rest)) === models, 900_000, 1_000);
    const secondsToAllReady = (performance.now() - started) / 1000;
    await sleep(2_000);
    const ready = auditedRequests(plane.auditLogPath, before.lines);

    // Steady state: wait for one full periodic resync to reconcile every object again; it must write nothing.
    const steadyFrom = await reconcileCount(port);
    const auditFrom = auditedRequests(plane.auditLogPath, 0).lines;
    await until('a full resync pass', async () => {
      const now = await reconcileCount(port);
      return now.reconciles - steadyFrom.reconciles >= 2 * models && now.queued === 0;
    }, (RESYNC_SECONDS + 300) * 1000, 1_000);
    await sleep(2_000);
    const steadyTo = await reconcileCount(port);
    const steady = auditedRequests(plane.auditLogPath, auditFrom);
    const cpuAfter = plane.cpuSeconds();
    const ownCpu = process.cpuUsage(ownCpuBefore);
    return {
      models,
      containers: 'prepared (no processes started)',
      secondsToAllReady: roundTo(secondsToAllReady, 1),
      apiRequestsPerModel: { operator: roundTo(total(ready.byVerb) / models, 2), operatorWrites: roundTo(writes(ready.byVerb) / models, 2) },
      operatorRequestsByVerb: ready.byVerb,
      operatorRequestsPerModelByResource: Object.fromEntries(Object.entries(ready.byResource).sort((a, b) => b[1] - a[1]).map(([key, n]) => [key, roundTo(n / models, 2)])),
      steadyStatePass: { reconciles: steadyTo.reconciles - steadyFrom.reconciles, writes: writes(steady.byVerb) },
      operatorPeakRssMiB: peakRssMiB(child),
      controlPlaneCpuSeconds: Object.fromEntries(Object.entries(cpuAfter).map(([name, seconds]) => [name, roundTo(seconds - (cpuBefore[name] ?? 0), 1)])),
      benchProcessCpuSeconds: roundTo((ownCpu.user + ownCpu.system) / 1e6, 1),
      loadAverageAfter: roundTo(loadavg()[0]!, 2),
      apiServerRequestsByResource: await apiServerRequests(plane),
    };
  } catch (error) {
    console.error(output().slice(-4000));
    throw error;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await kubelet.stop();
    await plane.stop();
  }
}

const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0);
const results: Result[] = [];
for (const models of sizes.length > 0 ? sizes : [100, 1000]) results.push(await benchmark(models));
console.log(JSON.stringify(results, null, 2));
