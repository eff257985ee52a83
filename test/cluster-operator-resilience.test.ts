/**
 * The operator against what real clusters do to it: a crash mid-run, a crash between the two status writes of a
 * promotion, a restore that drops status, a kube-apiserver restart, connections cut under it, a second replica,
 * and a leader frozen past its Lease. Prepared trainer outcomes keep each scenario to seconds.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { RunMetrics } from '../core/crd/metrics.ts';
import { OPERATOR_IDENTITY, serviceAccountToken } from '../local-cluster/bootstrap.ts';
import { tokenKubeconfig } from '../local-cluster/control-plane.ts';
import { startTcpProxy, type TcpProxy } from './cluster/tcp-proxy.ts';
import { startTestApiServer } from './support/extra-apiserver.ts';
import { startClusterHarness, type ClusterHarness, type KubeObject } from './support/cluster-harness.ts';
import { testForecastModel } from './support/forecast-model-fixture.ts';
import { startNodeProcess } from './support/node-process.ts';
import { preparedOperatorRuntime } from './support/prepared-trainer.ts';

const FM = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel' } as const;
const TR = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun' } as const;
const OPERATOR_USER = `system:serviceaccount:${OPERATOR_IDENTITY.namespace}:${OPERATOR_IDENTITY.serviceAccount}`;
const GOOD: RunMetrics = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };

type Status = { conditions?: { type: string; status: string; reason?: string }[]; model?: { version: string } };
const statusOf = (o: KubeObject | undefined) => (o as { status?: Status } | undefined)?.status;
const isReady = (o: KubeObject | undefined) => statusOf(o)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;


/** Trainers that hold every run until the test releases them. */
function heldTrainers(): { runtime: ReturnType<typeof preparedOperatorRuntime>; release: () => void } {
  const release = Promise.withResolvers<void>();
  return { runtime: preparedOperatorRuntime(() => ({ metrics: GOOD }), () => release.promise), release: () => release.resolve() };
}

let harness: ClusterHarness | undefined;
const children: ChildProcess[] = [];
const proxies: TcpProxy[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
  for (const proxy of proxies.splice(0)) await proxy.close();
  await harness?.close();
  harness = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function ready(h: ClusterHarness, name: string, timeoutMs?: number): Promise<KubeObject> {
  return h.waitFor(`${name} Ready`, async () => {
    const fm = await h.get(FM.apiVersion, FM.kind, name);
    return isReady(fm) ? fm : undefined;
  }, timeoutMs);
}

/** Wait for `name` to be Ready serving a run trained with `window`. */
async function servingWindow(h: ClusterHarness, name: string, window: number): Promise<string> {
  return h.waitFor(`${name} serving a model with window ${window}`, async () => {
    const fm = await h.get(FM.apiVersion, FM.kind, name);
    const version = statusOf(fm)?.model?.version;
    if (!isReady(fm) || !version) return undefined;
    const run = (await h.get(TR.apiVersion, TR.kind, version)) as { spec?: { model?: { window?: number } } } | undefined;
    return run?.spec?.model?.window === window ? version : undefined;
  });
}

/** Start the operator as its own process (as its image runs it), with `env` on top of the harness's. */
function operatorProcess(h: ClusterHarness, env: Record<string, string> = {}): { child: ChildProcess; output: () => string } {
  const started = startNodeProcess('operator/main.ts', [], { ...h.operatorEnv, MUR_HTTP_PORT: '0', ...env });
  children.push(started.child);
  return started;
}

describe('operator resilience on the real control plane', () => {
  it('creates no duplicate TrainingRun or Job when killed mid-run and restarted', async () => {
    const trainers = heldTrainers();
    const h = (harness = await startClusterHarness({ runtime: trainers.runtime }));
    const { child, output } = operatorProcess(h);
    await h.apply(testForecastModel(h.namespace, 'btc'));
    await h.waitFor('the trainer Pod to run', async () => (await h.list('v1', 'Pod')).some((p) => (p as { status?: { phase?: string } }).status?.phase === 'Running'), 30_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\noperator output:\n${output()}`);
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const restarted = await h.startOperator();
    await restarted.settled();
    expect(await h.list(TR.apiVersion, TR.kind)).toHaveLength(1);
    expect(await h.list('batch/v1', 'Job')).toHaveLength(1);

    trainers.release();
    const fm = await ready(h, 'btc');
    const runs = await h.list(TR.apiVersion, TR.kind);
    expect(runs).toHaveLength(1);
    expect(await h.list('batch/v1', 'Job')).toHaveLength(1);
    expect(statusOf(fm)?.model?.version).toBe(runs[0]!.metadata.name);
  });

  it('converges after a crash between marking the run promoted and recording it on the ForecastModel', async () => {
    const h = (harness = await startClusterHarness({ runtime: preparedOperatorRuntime(() => ({ metrics: GOOD })) }));
    await h.startOperator();
    await h.apply(testForecastModel(h.namespace, 'btc'));
    const served = statusOf(await ready(h, 'btc'))!.model!.version;
    await h.stopOperator();

    // The state a crash right after the TrainingRun's status patch leaves: the run says promoted, the
    // ForecastModel knows no model and no inference objects exist yet.
    await h.admin.patch(`/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${h.namespace}/forecastmodels/btc/status`, { status: { model: null, conditions: null } }, 'merge');
    await h.admin.delete(`/apis/apps/v1/namespaces/${h.namespace}/deployments/btc-forecast`);
    await h.admin.delete(`/api/v1/namespaces/${h.namespace}/services/btc-forecast`);
    expect(statusOf(await h.get(TR.apiVersion, TR.kind, served))).toMatchObject({ promoted: true });

    await h.startOperator();
    const fm = await ready(h, 'btc');
    expect(statusOf(fm)?.model?.version).toBe(served);
    expect(await h.get('apps/v1', 'Deployment', 'btc-forecast')).toBeDefined();
    expect(await h.list(TR.apiVersion, TR.kind)).toHaveLength(1);
  });

  it('rebuilds a wiped status from what it serves, deleting and re-rolling nothing', async () => {
    const h = (harness = await startClusterHarness({ runtime: preparedOperatorRuntime(() => ({ metrics: GOOD })) }));
    await h.startOperator();
    await h.apply(testForecastModel(h.namespace, 'btc'));
    const served = statusOf(await ready(h, 'btc'))!.model!.version;
    const deployment = (await h.get('apps/v1', 'Deployment', 'btc-forecast'))!;
    const service = (await h.get('v1', 'Service', 'btc-forecast'))!;
    await h.stopOperator();

    // A restore from a backup that does not carry status.
    await h.admin.patch(`/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${h.namespace}/forecastmodels/btc/status`, { status: null }, 'merge');
    await h.startOperator();
    const fm = await ready(h, 'btc');
    expect(statusOf(fm)?.model?.version).toBe(served);
    const after = (await h.get('apps/v1', 'Deployment', 'btc-forecast'))!;
    expect(after.metadata.uid).toBe(deployment.metadata.uid);
    expect(after.metadata.generation).toBe(deployment.metadata.generation);
    expect((await h.get('v1', 'Service', 'btc-forecast'))!.metadata.uid).toBe(service.metadata.uid);
    expect(await h.list(TR.apiVersion, TR.kind)).toHaveLength(1);
  });

  it('resumes its watches after its kube-apiserver restarts, missing no change made while it was down', async () => {
    const apiServer = await startTestApiServer(inject('controlPlane'));
    cleanups.push(() => apiServer.stop());
    const h = (harness = await startClusterHarness({
      runtime: preparedOperatorRuntime(() => ({ metrics: GOOD })),
      operatorApiServer: apiServer,
      forbiddenExpected: 'a restarting kube-apiserver answers 403 until its RBAC caches fill; checked below',
    }));
    await h.startOperator();
    await h.apply(testForecastModel(h.namespace, 'btc'));
    await ready(h, 'btc');

    // The operator's apiserver goes down and comes back while the changes land through another one on the same
    // etcd. The resync period is an hour: only resumed watches can bring them to the operator.
    const restartedAt = Date.now();
    const restarting = apiServer.restart();
    await h.apply(testForecastModel(h.namespace, 'eth'));
    await h.patch('forecastmodels', 'btc', { spec: { model: { window: 24 } } });
    await restarting;
    const readyAgainAt = Date.now();
    await ready(h, 'eth', 90_000);
    await servingWindow(h, 'btc', 24);
    expect(await h.list(TR.apiVersion, TR.kind)).toHaveLength(3);
    // Every refusal came from the apiserver starting up (before it answered /readyz), none after.
    const refusals = auditedAnswers(apiServer.auditLogPath, OPERATOR_USER, 403);
    for (const refusal of refusals) expect(refusal.at, refusal.request).toBeGreaterThanOrEqual(restartedAt - 1_000);
    for (const refusal of refusals) expect(refusal.at, refusal.request).toBeLessThanOrEqual(readyAgainAt + 1_000);
  });

  it('converges when its connections to the apiserver are cut and refused for a while', async () => {
    const proxy = await startTcpProxy(inject('controlPlane').server);
    proxies.push(proxy);
    const h = (harness = await startClusterHarness({ runtime: preparedOperatorRuntime(() => ({ metrics: GOOD })), operatorApiServer: { server: proxy.url } }));
    await h.startOperator();
    await h.apply(testForecastModel(h.namespace, 'btc'));
    await ready(h, 'btc');

    expect(proxy.cut()).toBeGreaterThan(0);
    proxy.refuse(true);
    await h.apply(testForecastModel(h.namespace, 'eth'));
    await h.patch('forecastmodels', 'btc', { spec: { model: { window: 24 } } });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    proxy.refuse(false);
    await ready(h, 'eth', 90_000);
    await servingWindow(h, 'btc', 24);
  });

  it('lets only the Lease holder act, and hands over when it stops', async () => {
    const h = (harness = await startClusterHarness({
      runtime: preparedOperatorRuntime(() => ({ metrics: GOOD })),
      operatorEnv: { MUR_LEADER_ELECT: 'true', MUR_LEASE_DURATION_SECONDS: '3', MUR_LEASE_RETRY_SECONDS: '1' },
    }));
    const first = await h.startOperator('operator-a');
    const leaseName = h.operatorEnv.MUR_LEASE_NAME!;
    const { createOperator } = await import('../operator/operator.ts');
    const { parseOperatorConfig } = await import('../operator/config.ts');
    const { createLogger } = await import('../core/logger.ts');
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(h.operatorEnv.KUBECONFIG!);
    const standby = createOperator({ config: parseOperatorConfig({ ...h.operatorEnv, MUR_POD_NAME: 'operator-b' }), kubeConfig, log: createLogger({ name: 'standby', level: 'warn', destination: 2 }) });
    const standbyStarted = standby.start();
    try {
      await h.apply(testForecastModel(h.namespace, 'btc'));
      await ready(h, 'btc');
      const lease = await h.admin.get<{ spec: { holderIdentity: string } }>(`/apis/coordination.k8s.io/v1/namespaces/${OPERATOR_IDENTITY.namespace}/leases/${leaseName}`);
      expect(lease.spec.holderIdentity).toBe('operator-a');
      const reconciles = async (operator: typeof first) => (await operator.metrics.reconciles.get()).values.reduce((sum, v) => sum + v.value, 0);
      expect(await reconciles(standby)).toBe(0);
      expect(await reconciles(first)).toBeGreaterThan(0);

      await h.stopOperator();
      await h.apply(testForecastModel(h.namespace, 'eth'));
      await ready(h, 'eth');
      const taken = await h.admin.get<{ spec: { holderIdentity: string } }>(`/apis/coordination.k8s.io/v1/namespaces/${OPERATOR_IDENTITY.namespace}/leases/${leaseName}`);
      expect(taken.spec.holderIdentity).toBe('operator-b');
      await standbyStarted;
    } finally {
      await standby.stop();
    }
  });

  it('stops writing the moment a leader frozen past its Lease wakes up', async () => {
    const h = (harness = await startClusterHarness({
      runtime: preparedOperatorRuntime(() => ({ metrics: GOOD })),
      operatorEnv: { MUR_LEADER_ELECT: 'true', MUR_LEASE_DURATION_SECONDS: '4', MUR_LEASE_RETRY_SECONDS: '1' },
    }));
    // Each replica under its own ServiceAccount (same RBAC), so the audit log tells their requests apart.
    const frozenAccount = await secondOperatorAccount(h);
    const frozenKubeconfig = join(h.cluster.dir, `${h.namespace}-frozen.kubeconfig`);
    writeFileSync(frozenKubeconfig, tokenKubeconfig(h.cluster.server, h.cluster.caPem, frozenAccount.token));
    const leaseName = h.operatorEnv.MUR_LEASE_NAME!;
    const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${OPERATOR_IDENTITY.namespace}/leases/${leaseName}`;
    const leader = operatorProcess(h, { KUBECONFIG: frozenKubeconfig, MUR_POD_NAME: 'operator-frozen' });
    await h.waitFor('operator-frozen to lead', async () => (await h.admin.get<{ spec: { holderIdentity?: string } }>(leasePath).catch(() => undefined))?.spec.holderIdentity === 'operator-frozen');
    await h.apply(testForecastModel(h.namespace, 'btc'));
    await ready(h, 'btc');

    leader.child.kill('SIGSTOP');
    const frozenAt = new Date();
    await h.startOperator('operator-successor');
    await h.waitFor('the successor to take the Lease', async () => (await h.admin.get<{ spec: { holderIdentity?: string } }>(leasePath)).spec.holderIdentity === 'operator-successor', 30_000);
    // Work for both: the frozen leader's informers will wake up to these changes.
    await h.patch('forecastmodels', 'btc', { spec: { model: { window: 24 } } });
    await h.apply(testForecastModel(h.namespace, 'eth'));
    await servingWindow(h, 'btc', 24);
    const wokenAt = new Date();
    leader.child.kill('SIGCONT');
    await new Promise((resolve) => leader.child.once('exit', resolve));
    await ready(h, 'eth');

    const accepted = acceptedWrites(h.cluster.auditLogPath, frozenAccount.user, frozenAt);
    expect(accepted, `writes the woken leader made after ${wokenAt.toISOString()}`).toEqual([]);
  });
});

/** A second ServiceAccount in the operator's namespace bound to the operator's roles, and a token of it. */
async function secondOperatorAccount(h: ClusterHarness): Promise<{ user: string; token: string }> {
  const namespace = OPERATOR_IDENTITY.namespace;
  const name = `operator-${h.namespace}`;
  await h.admin.create(`/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  const subjects = [{ kind: 'ServiceAccount', name, namespace }];
  await h.admin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'make-us-rich-operator' },
    subjects,
  });
  await h.admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'make-us-rich-operator-leader-election' },
    subjects,
  });
  return { user: `system:serviceaccount:${namespace}:${name}`, token: await serviceAccountToken(h.admin, namespace, name) };
}

/** Requests by `user` the apiserver answered with `code`, from an audit log. */
function auditedAnswers(auditLogPath: string, user: string, code: number): { request: string; at: number }[] {
  return readFileSync(auditLogPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { user?: { username?: string }; verb: string; requestURI: string; stageTimestamp: string; responseStatus?: { code?: number } })
    .filter((event) => event.user?.username === user && event.responseStatus?.code === code)
    .map((event) => ({ request: `${event.verb} ${event.requestURI}`, at: Date.parse(event.stageTimestamp) }));
}

/** Writes by `user` that the apiserver accepted after `since`, from the audit log. */
function acceptedWrites(auditLogPath: string, user: string, since: Date): string[] {
  const writes: string[] = [];
  for (const line of readFileSync(auditLogPath, 'utf8').split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line) as { user?: { username?: string }; verb: string; requestURI: string; stageTimestamp: string; responseStatus?: { code?: number } };
    if (event.user?.username !== user || !['create', 'update', 'patch', 'delete'].includes(event.verb)) continue;
    const code = event.responseStatus?.code ?? 0;
    if (Date.parse(event.stageTimestamp) > since.getTime() && code >= 200 && code < 300) writes.push(`${event.verb} ${event.requestURI} ${code}`);
  }
  return writes;
}
