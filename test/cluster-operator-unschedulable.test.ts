/**
 * A trainer Pod the real kube-scheduler cannot place: a ForecastModel asks for a GPU on a cluster whose node has
 * none. The scheduler marks the Pod PodScheduled=False (Unschedulable); the operator must say so on the
 * TrainingRun and the ForecastModel, with the scheduler's message, and carry on once a GPU node joins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunMetrics } from '../core/crd/metrics.ts';
import type { ClusterHarness, KubeObject } from './support/cluster-harness.ts';
import { testForecastModel } from './support/forecast-model-fixture.ts';
import { startScriptedCluster, scriptedOperatorRuntime } from './support/prepared-trainer.ts';
import { startProcessKubelet, type ProcessKubelet } from '../local-cluster/kubelet/process-kubelet.ts';
import { NODE_LABEL } from '../local-cluster/kubelet/node-object.ts';

const FM = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel' } as const;
const TR = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun' } as const;
const GOOD: RunMetrics = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };

type Condition = { type: string; status: string; reason: string; message: string };
const conditionOf = (o: KubeObject | undefined, type: string) => (o as { status?: { conditions?: Condition[] } } | undefined)?.status?.conditions?.find((c) => c.type === type);

let harness: ClusterHarness | undefined;
let gpuKubelet: ProcessKubelet | undefined;
afterEach(async () => {
  await gpuKubelet?.stop();
  if (gpuKubelet) {
    // The GPU node wears the test node's pinning label: left behind, it would take Pods of later tests.
    await harness?.admin.delete(`/api/v1/nodes/${gpuKubelet.nodeName}`).catch(() => undefined);
  }
  gpuKubelet = undefined;
  await harness?.close();
  harness = undefined;
});

describe('a trainer Pod that cannot be scheduled', () => {
  it('shows on the TrainingRun and the ForecastModel with the scheduler\'s message, and clears when a GPU node joins', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }));
    await h.apply(testForecastModel(h.namespace, 'btc', { training: { gpu: true } }));

    const stuck = await h.waitFor('the run reports Unschedulable', async () => {
      const runs = await h.list(TR.apiVersion, TR.kind);
      const succeeded = conditionOf(runs[0], 'Succeeded');
      return succeeded?.reason === 'Unschedulable' ? { run: runs[0]!, succeeded } : undefined;
    });
    expect((stuck.run as { status: { phase: string } }).status.phase).toBe('Pending');
    expect(stuck.succeeded.status).toBe('Unknown');
    expect(stuck.succeeded.message).toMatch(/^trainer Pod \S+ cannot be scheduled: 0\/\d+ nodes are available: .*Insufficient nvidia\.com\/gpu/);
    const runName = stuck.run.metadata.name;

    const trained = await h.waitFor('the ForecastModel reports TrainerUnschedulable', async () => {
      const found = conditionOf(await h.get(FM.apiVersion, FM.kind, 'btc'), 'Trained');
      return found?.reason === 'TrainerUnschedulable' ? found : undefined;
    });
    expect(trained).toMatchObject({ status: 'False', message: `${runName}: ${stuck.succeeded.message}` });
    const event = await h.waitFor('the Unschedulable Event', async () => (await h.events()).find((e) => e.reason === 'Unschedulable' && e.message.startsWith('trainer Pod')));
    expect(event.type).toBe('Warning');

    // A GPU node joins where this namespace's Pods may go (the namespace pins Pods by the node label).
    const cluster = h.cluster;
    const gpuNode = `mur-gpu-node-${process.env.VITEST_POOL_ID ?? '1'}`;
    gpuKubelet = await startProcessKubelet({
      server: cluster.server,
      caPem: cluster.caPem,
      token: cluster.nodeTokens[gpuNode]!,
      nodeName: gpuNode,
      gpus: 1,
      labels: { [NODE_LABEL]: h.kubelet.nodeName },
      runtime: scriptedOperatorRuntime({ metrics: GOOD }),
    });

    const done = await h.waitFor('the run trained on the GPU node', async () => {
      const run = await h.get(TR.apiVersion, TR.kind, runName);
      return conditionOf(run, 'Succeeded')?.status === 'True' ? run : undefined;
    }, 120_000);
    expect(conditionOf(done, 'Succeeded')?.reason).toBe('TrainingSucceeded');
    const pods = await h.list('v1', 'Pod', `job-name=${runName}-train`);
    expect(pods.map((p) => (p as { spec: { nodeName?: string } }).spec.nodeName)).toContain(gpuNode);
    const fmTrained = await h.waitFor('the ForecastModel Trained', async () => {
      const found = conditionOf(await h.get(FM.apiVersion, FM.kind, 'btc'), 'Trained');
      return found?.status === 'True' ? found : undefined;
    });
    expect(fmTrained.reason).toBe('RunSucceeded');
  });
});
