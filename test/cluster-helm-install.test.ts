/**
 * The platform engineer's path on the real control plane: the real `helm install` of the chart into a namespace
 * enforcing Pod Security "restricted", the operator running in-cluster as its Pods (the process kubelet runs
 * operator/main.ts with the Pod's service-account token and the chart's RBAC), then the README's kubectl
 * commands against a ForecastModel, compared with what the README shows. Trainer and inference containers end
 * or serve at once with prepared outcomes: this test is about the chart, the operator and the CLI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerRuntime } from '../local-cluster/kubelet/container-runtime.ts';
import { processRuntime } from '../local-cluster/kubelet/process-runtime.ts';
import { startClusterHarness, type ClusterHarness } from './support/cluster-harness.ts';
import { locateHelm, runHelm, type HelmResult } from '../local-cluster/helm.ts';
import { isTrainerLaunch, preparedOperatorRuntime } from './support/prepared-trainer.ts';

const root = join(import.meta.dirname, '..');
const chartDir = join(root, 'charts/make-us-rich');
const RELEASE = 'mur';
const OPERATOR = `${RELEASE}-make-us-rich-operator`;
const METRICS = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };

const helm = locateHelm();
if (!helm.available) throw new Error(`the real helm is needed for the chart's cluster test: ${helm.reason}`);

/** The operator and dashboard run as real processes; trainers and inference servers have prepared outcomes. */
function chartRuntime(): ContainerRuntime {
  const real = processRuntime({ extraEnv: { MUR_LOG_LEVEL: 'warn' } });
  const prepared = preparedOperatorRuntime(() => ({ metrics: METRICS }));
  return (launch) => (isTrainerLaunch(launch) || launch.env.MODEL_URI !== undefined ? prepared(launch) : real(launch));
}

/** The header line of the first README code block that follows `marker`. */
function readmeTableHeader(marker: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const after = readme.slice(readme.indexOf(marker));
  const block = /```\n(NAME[^\n]*)\n/.exec(after);
  if (!block) throw new Error(`README shows no table after "${marker}"`);
  return block[1]!;
}

const columns = (line: string) => line.trim().split(/\s{2,}/);

describe('helm install and the README commands on the real control plane', () => {
  let h: ClusterHarness;
  let stateDir: string;
  const helmRun = (args: string[]): Promise<HelmResult> =>
    runHelm(helm.available ? helm.path : '', args, { stateDir, env: { KUBECONFIG: h.cluster.adminKubeconfigPath }, timeoutMs: 180_000 });

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'helm-install-'));
    h = await startClusterHarness({ runtime: chartRuntime(), secrets: false });
  });
  afterAll(async () => {
    await h?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('installs under Pod Security "restricted" and the operator becomes ready in-cluster with the chart RBAC', async () => {
    const install = await helmRun([
      'install', RELEASE, chartDir, '-n', h.namespace,
      '--set', 's3.endpoint=http://127.0.0.1:9', '--set', 's3.accessKeyId=test', '--set', 's3.secretAccessKey=test-secret',
      '--set', `watchNamespaces={${h.namespace}}`,
      '--set', 'operator.leaderElection.leaseDurationSeconds=5',
      '--wait', '--timeout', '150s',
    ]);
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
    const rollout = await h.kubectl(['rollout', 'status', `deployment/${OPERATOR}`, '--timeout=60s']);
    expect(rollout.code, rollout.stderr).toBe(0);
    expect(rollout.stdout).toContain('successfully rolled out');
    // Every Pod the chart creates was admitted: a refusal would leave a ReplicaSet with ReplicaFailure.
    const sets = await h.list('apps/v1', 'ReplicaSet');
    for (const set of sets) {
      const failure = ((set.status as { conditions?: { type: string; message: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'ReplicaFailure');
      expect(failure?.message, `ReplicaSet ${set.metadata.name}`).toBeUndefined();
    }
  });

  it('turns the applied ForecastModel Ready, as `kubectl wait` sees it', async () => {
    const manifest = [
      'apiVersion: forecasting.makeusrich.io/v1alpha1',
      'kind: ForecastModel',
      'metadata:',
      '  name: btc-usdt',
      'spec:',
      '  market: { exchange: binance, symbol: BTC/USDT, timeframe: 1h, lookback: 400 }',
      '  model: { window: 12, horizon: 3, units: 8, epochs: 2 }',
      '  training: { schedule: "0 */6 * * *" }',
      '',
    ].join('\n');
    const apply = await h.kubectl(['apply', '-f', '-'], manifest);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout.trim()).toBe('forecastmodel.forecasting.makeusrich.io/btc-usdt created');
    const wait = await h.kubectl(['wait', '--for=condition=Ready', 'fm/btc-usdt', '--timeout=120s']);
    expect(wait.code, wait.stderr).toBe(0);
    expect(wait.stdout.trim()).toBe('forecastmodel.forecasting.makeusrich.io/btc-usdt condition met');
  });

  it('shows the columns the README shows in `kubectl get fm`, `-o wide` and `get tr`', async () => {
    const fm = await h.kubectl(['get', 'fm']);
    expect(fm.code, fm.stderr).toBe(0);
    const [header, row] = fm.stdout.trim().split('\n');
    expect(columns(header!)).toEqual(columns(readmeTableHeader('kubectl get fm -n markets -w')));
    const cells = columns(row!);
    expect(cells.slice(0, 3)).toEqual(['btc-usdt', 'BTC/USDT', 'binance']);
    expect(cells[3]).toMatch(/^btc-usdt-[0-9a-f]{10}$/);
    expect(cells[4]).toBe('0.2');
    expect(cells[5]).toBe('True');

    const wide = await h.kubectl(['get', 'fm', '-o', 'wide']);
    expect(columns(wide.stdout.split('\n')[0]!)).toEqual(['NAME', 'SYMBOL', 'EXCHANGE', 'MODEL', 'SKILL', 'READY', 'AGE', 'TIMEFRAME', 'NEXT TRAINING', 'ENDPOINT']);
    expect(wide.stdout).toContain(`http://btc-usdt-forecast.${h.namespace}.svc.cluster.local`);

    const runs = await h.kubectl(['get', 'tr']);
    expect(columns(runs.stdout.split('\n')[0]!)).toEqual(['NAME', 'FORECAST MODEL', 'REASON', 'PHASE', 'SKILL', 'PROMOTED', 'AGE']);
    expect(columns(runs.stdout.split('\n')[1]!).slice(1, 4)).toEqual(['btc-usdt', 'Initial', 'Succeeded']);

    const both = await h.kubectl(['get', 'makeusrich']);
    expect(both.stdout).toContain('forecastmodel.forecasting.makeusrich.io/btc-usdt');
    expect(both.stdout).toContain('trainingrun.forecasting.makeusrich.io/btc-usdt-');
  });

  it('describes the ForecastModel with its conditions and Events, and explains its fields', async () => {
    const describe = await h.kubectl(['describe', 'fm', 'btc-usdt']);
    expect(describe.code, describe.stderr).toBe(0);
    expect(describe.stdout).toMatch(/Type:\s+Ready/);
    expect(describe.stdout).toMatch(/Reason:\s+Available/);
    expect(describe.stdout).toMatch(/Events:[\s\S]*Normal\s+\w+/);

    const explain = await h.kubectl(['explain', 'forecastmodel.spec.model.quantiles']);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('GROUP:      forecasting.makeusrich.io');
    expect(explain.stdout).toContain('FIELD: quantiles <[]number>');
  });

  it('keeps the generated API token across an upgrade and copies it to a new namespace', async () => {
    const token = await h.kubectl(['get', 'secret', 'mur-api-tokens', '-o', 'jsonpath={.data.default}']);
    expect(token.stdout).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    const other = `${h.namespace}-other`;
    await h.admin.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: other } });
    try {
      const upgrade = await helmRun(['upgrade', RELEASE, chartDir, '-n', h.namespace, '--reuse-values', '--set', `secretNamespaces={${other}}`]);
      expect(upgrade.code, upgrade.stderr).toBe(0);
      for (const namespace of [h.namespace, other]) {
        const kept = await h.kubectl(['get', 'secret', 'mur-api-tokens', '-n', namespace, '-o', 'jsonpath={.data.default}']);
        expect(kept.stdout, namespace).toBe(token.stdout);
      }
    } finally {
      await h.admin.delete(`/api/v1/namespaces/${other}`).catch(() => undefined);
    }
  });
});
