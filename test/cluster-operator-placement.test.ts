/**
 * Placement, autoscaling and rollback on the real control plane: the API server validates the new ForecastModel
 * fields and the pods built from them (PodNodeSelector, Priority and ServiceAccount admission), the scheduler
 * places the pods, the real Deployment controller rolls back to a pinned run, and the real HPA controller
 * takes the HorizontalPodAutoscaler. Trainer containers end at once with prepared outcomes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunMetrics } from '../core/crd/metrics.ts';
import type { ClusterHarness, KubeObject } from './support/cluster-harness.ts';
import { testForecastModel } from './support/forecast-model-fixture.ts';
import { startScriptedCluster } from './support/prepared-trainer.ts';

const FM = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel' } as const;
const TR = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun' } as const;
const MARKET = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 };
const GOOD: RunMetrics = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };

type Condition = { type: string; status: string; reason: string; message: string };
type PodTemplate = { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> & { containers: { env: { name: string; value: string }[] }[] } };
type Status = { conditions?: Condition[]; model?: { version: string; trainingRun: string }; promoted?: boolean; phase?: string };
const statusOf = (o: KubeObject | undefined) => (o as { status?: Status } | undefined)?.status;
const condition = (o: KubeObject | undefined, type: string) => statusOf(o)?.conditions?.find((c) => c.type === type);
const templateOf = (o: KubeObject | undefined) => (o as { spec: { template: PodTemplate } }).spec.template;

let harness: ClusterHarness | undefined;
let priorityClass: string | undefined;
afterEach(async () => {
  if (priorityClass) await harness?.admin.delete(`/apis/scheduling.k8s.io/v1/priorityclasses/${priorityClass}`).catch(() => undefined);
  priorityClass = undefined;
  await harness?.close();
  harness = undefined;
});



const fmOf = (h: ClusterHarness) => h.get(FM.apiVersion, FM.kind, 'btc');

async function servedRun(h: ClusterHarness, accept: (run: string) => boolean = () => true): Promise<string> {
  return h.waitFor('btc Ready', async () => {
    const fm = await fmOf(h);
    const run = statusOf(fm)?.model?.trainingRun;
    return condition(fm, 'Ready')?.status === 'True' && run && accept(run) ? run : undefined;
  });
}

async function modelUriOf(h: ClusterHarness): Promise<string | undefined> {
  return templateOf(await h.get('apps/v1', 'Deployment', 'btc-forecast')).spec.containers[0]!.env.find((e) => e.name === 'MODEL_URI')?.value;
}

async function manualRun(h: ClusterHarness, name: string): Promise<void> {
  // Keep: the test's object storage Secret names no endpoint, so the artifact finalizer could not empty a folder.
  await h.apply({ ...TR, metadata: { name, namespace: h.namespace }, spec: { forecastModel: 'btc', market: MARKET, training: { artifactRetention: 'Keep' } } } as KubeObject);
  await h.waitFor(`${name} judged`, async () => statusOf(await h.get(TR.apiVersion, TR.kind, name))?.promoted !== undefined);
}

describe('placement, autoscaling and rollback on the real control plane', () => {
  it('puts placement and identity on the trainer Job\'s and inference Deployment\'s pods, which the API server admits and the scheduler places', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }));
    const node = h.kubelet.nodeName;
    priorityClass = `mur-${h.namespace}`;
    await h.admin.create('/apis/scheduling.k8s.io/v1/priorityclasses', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: priorityClass }, value: 1000 });
    for (const name of ['trainer', 'forecaster']) await h.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: h.namespace }, automountServiceAccountToken: false } as KubeObject);
    const placement = (serviceAccountName: string) => ({
      nodeSelector: { 'makeusrich.io/node': node },
      tolerations: [{ key: 'example.com/dedicated', operator: 'Exists', effect: 'NoSchedule' }],
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { team: 'desk' } } } }] },
      },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' }],
      priorityClassName: priorityClass,
      serviceAccountName,
      imagePullSecrets: [{ name: 'registry' }],
      podAnnotations: { 'example.com/cost-center': 'desk-7' },
      podLabels: { team: 'desk', 'app.kubernetes.io/instance': 'spoofed' },
    });
    await h.apply(testForecastModel(h.namespace, 'btc', { training: placement('trainer'), serving: placement('forecaster') }));
    const run = await servedRun(h);

    const job = templateOf(await h.get('batch/v1', 'Job', `${run}-train`));
    const deployment = templateOf(await h.get('apps/v1', 'Deployment', 'btc-forecast'));
    for (const [template, account] of [[job, 'trainer'], [deployment, 'forecaster']] as const) {
      const { podAnnotations: _annotations, podLabels: _labels, ...podFields } = placement(account);
      expect(template.spec).toMatchObject(podFields);
      expect(template.metadata.annotations).toMatchObject({ 'example.com/cost-center': 'desk-7' });
      expect(template.metadata.labels.team).toBe('desk');
    }
    // The operator's own selector label wins over the user's, so the Deployment still selects its pods.
    expect(deployment.metadata.labels['app.kubernetes.io/instance']).toBe('btc-forecast');
    const pods = await h.list('v1', 'Pod', 'app.kubernetes.io/instance=btc-forecast');
    expect(pods.length).toBeGreaterThan(0);
    // Admission resolved the PriorityClass; the scheduler bound the pod to the node the affinity names.
    expect((pods[0] as { spec: { priority?: number; nodeName?: string; serviceAccountName?: string } }).spec).toMatchObject({ priority: 1000, nodeName: node, serviceAccountName: 'forecaster' });

    // The API server checks the typed fields itself.
    const refused = await h
      .patch('forecastmodels', 'btc', { spec: { serving: { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Sometimes' }] } } })
      .then(() => 'accepted', (error: Error) => error.message);
    expect(refused).toContain('spec.serving.topologySpreadConstraints[0].whenUnsatisfiable');
    expect(refused).toContain('spec.serving.topologySpreadConstraints[0].maxSkew');
    const badLabel = await h.patch('forecastmodels', 'btc', { spec: { training: { podLabels: { 'not a key': 'x' } } } }).then(() => 'accepted', (error: Error) => error.message);
    expect(badLabel).toContain('podLabels keys must be qualified names');
  });

  it('autoscales with a HorizontalPodAutoscaler the API server accepts, never fights it over replicas, and refuses replicas with autoscaling', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }));
    await h.apply(testForecastModel(h.namespace, 'btc', { serving: { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 60 } } }));
    await servedRun(h);
    const hpa = await h.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'btc-forecast');
    expect(hpa).toMatchObject({ metadata: { ownerReferences: [expect.objectContaining({ kind: 'ForecastModel', name: 'btc', controller: true })] } });
    expect((hpa as { spec: unknown }).spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'btc-forecast' }, minReplicas: 2, maxReplicas: 4 });
    expect((await h.get('apps/v1', 'Deployment', 'btc-forecast') as { spec: { replicas: number } }).spec.replicas).toBe(2);
    expect(await h.get('policy/v1', 'PodDisruptionBudget', 'btc-forecast')).toBeDefined();
    // The real HPA controller picked it up (no metrics server here, so it reports why it cannot scale on CPU).
    await h.waitFor('the HPA controller status', async () => ((await h.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'btc-forecast')) as { status?: { conditions?: unknown[] } }).status?.conditions?.length, 60_000);

    // Scaled as the autoscaler would; a change that makes the operator replace the Deployment keeps that count.
    await h.admin.patch(`/apis/apps/v1/namespaces/${h.namespace}/deployments/btc-forecast/scale`, { spec: { replicas: 3 } }, 'merge');
    await h.patch('forecastmodels', 'btc', { spec: { serving: { podLabels: { team: 'desk' } } } });
    await h.waitFor('the relabelled pod template', async () => templateOf(await h.get('apps/v1', 'Deployment', 'btc-forecast')).metadata.labels.team === 'desk');
    expect((await h.get('apps/v1', 'Deployment', 'btc-forecast') as { spec: { replicas: number } }).spec.replicas).toBe(3);

    const refused = await h.patch('forecastmodels', 'btc', { spec: { serving: { replicas: 2 } } }).catch((error: Error) => error);
    expect(String(refused)).toContain('spec.serving.replicas');
    expect(String(refused)).toContain('mutually exclusive');

    // The PodDisruptionBudget follows minReplicas down; dropping autoscaling removes the autoscaler.
    await h.patch('forecastmodels', 'btc', { spec: { serving: { autoscaling: { minReplicas: 1 } } } });
    await h.waitFor('the PodDisruptionBudget removed', async () => !(await h.get('policy/v1', 'PodDisruptionBudget', 'btc-forecast')));
    await h.patch('forecastmodels', 'btc', { spec: { serving: { autoscaling: null, replicas: 1 } } });
    await h.waitFor('the HPA removed', async () => !(await h.get('autoscaling/v2', 'HorizontalPodAutoscaler', 'btc-forecast')));
  });

  it('rolls back to a pinned earlier run with the real Deployment controller, keeps it through pruning, and returns when unpinned', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }, { metrics: GOOD }, { metrics: GOOD }, { metrics: GOOD }));
    await h.apply(testForecastModel(h.namespace, 'btc', { promotion: { policy: 'Always' }, training: { successfulRunsHistoryLimit: 1, artifactRetention: 'Keep' } }));
    const first = await servedRun(h);
    await manualRun(h, 'btc-second');
    const second = await servedRun(h, (r) => r === 'btc-second');

    await h.patch('forecastmodels', 'btc', { spec: { serving: { pinnedRun: 'btc-nope' } } });
    const missing = await h.waitFor('Pinned=False', async () => condition(await fmOf(h), 'Pinned'));
    expect(missing).toMatchObject({ status: 'False', reason: 'PinnedRunNotFound' });
    expect(statusOf(await fmOf(h))?.model?.trainingRun).toBe(second);

    await h.patch('forecastmodels', 'btc', { spec: { serving: { pinnedRun: first } } });
    await servedRun(h, (r) => r === first);
    expect(await modelUriOf(h)).toBe(`s3://artifacts/${h.namespace}/btc/${first}/`);
    expect(condition(await fmOf(h), 'Pinned')).toMatchObject({ status: 'True', reason: 'ModelPinned' });
    const event = await h.waitFor('the ModelPinned Event', async () => (await h.events()).find((e) => e.reason === 'ModelPinned'));
    expect(event.message).toContain(first);
    // The real Deployment controller rolled the first ReplicaSet back in (revision 3) rather than making a third.
    await h.waitFor('the rolled-back pods ready', async () => {
      const d = (await h.get('apps/v1', 'Deployment', 'btc-forecast')) as { status?: { updatedReplicas?: number; availableReplicas?: number; replicas?: number } };
      return d.status?.updatedReplicas === 1 && d.status.availableReplicas === 1 && d.status.replicas === 1;
    });
    const sets = (await h.list('apps/v1', 'ReplicaSet')).filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === 'btc-forecast'));
    expect(sets.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision']).sort()).toEqual(['2', '3']);

    // Two more runs are judged (and promoted) while pinned; pruning to one finished run beyond those always kept
    // (the pinned one, which is also the newest the operator started, and the newest) deletes the second.
    await manualRun(h, 'btc-third');
    await manualRun(h, 'btc-fourth');
    await h.waitFor('the history pruned', async () => !(await h.get(TR.apiVersion, TR.kind, second)));
    expect((await h.list(TR.apiVersion, TR.kind)).map((r) => r.metadata.name).sort()).toEqual([first, 'btc-fourth', 'btc-third'].sort());
    expect(await modelUriOf(h)).toBe(`s3://artifacts/${h.namespace}/btc/${first}/`);

    await h.patch('forecastmodels', 'btc', { spec: { serving: { pinnedRun: null } } });
    await servedRun(h, (r) => r === 'btc-fourth');
    expect(condition(await fmOf(h), 'Pinned')).toMatchObject({ status: 'False', reason: 'NotPinned' });
    await h.waitFor('the ModelUnpinned Event', async () => (await h.events()).some((e) => e.reason === 'ModelUnpinned'));
  });
});
