/**
 * The operator's decisions on the real control plane: real Jobs, Deployments, ReplicaSets and garbage
 * collection; trainer containers end at once with prepared outcomes and inference containers are ready at
 * once (the process kubelet's prepared runtime), so each scenario takes seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunMetrics } from '../core/crd/metrics.ts';
import type { ClusterHarness, KubeObject } from './support/cluster-harness.ts';
import { testForecastModel } from './support/forecast-model-fixture.ts';
import { startScriptedCluster } from './support/prepared-trainer.ts';

const FM = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel' } as const;
const TR = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun' } as const;
const GOOD: RunMetrics = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };
const BETTER: RunMetrics = { ...GOOD, mase: 0.7, skillVsNaive: 0.3 };
const WORSE: RunMetrics = { ...GOOD, mase: 0.95, skillVsNaive: 0.05 };
const HOUR = 3_600_000;

type Condition = { type: string; status: string; reason: string; message: string };
type Status = { conditions?: Condition[]; model?: { version: string; mase: number }; endpoint?: string; nextTrainingAt?: string; lastTrainingRun?: string; promoted?: boolean; promotionReason?: string; phase?: string };
const statusOf = (o: KubeObject | undefined) => (o as { status?: Status } | undefined)?.status;
const condition = (o: KubeObject | undefined, type: string) => statusOf(o)?.conditions?.find((c) => c.type === type);


let harness: ClusterHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});


const fmOf = (h: ClusterHarness, name: string) => h.get(FM.apiVersion, FM.kind, name);

async function servingVersion(h: ClusterHarness, name: string, accept: (version: string) => boolean = () => true): Promise<string> {
  return h.waitFor(`${name} Ready`, async () => {
    const fm = await fmOf(h, name);
    const version = statusOf(fm)?.model?.version;
    return condition(fm, 'Ready')?.status === 'True' && version && accept(version) ? version : undefined;
  });
}

async function runsOf(h: ClusterHarness): Promise<KubeObject[]> {
  return (await h.list(TR.apiVersion, TR.kind)).sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1));
}

async function modelUriOf(h: ClusterHarness, deployment: string): Promise<string | undefined> {
  const object = (await h.get('apps/v1', 'Deployment', deployment)) as { spec?: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } } | undefined;
  return object?.spec?.template.spec.containers[0]!.env.find((e) => e.name === 'MODEL_URI')?.value;
}

/** Revisions the real Deployment controller rolled out (one ReplicaSet each). */
async function rolloutRevisions(h: ClusterHarness, deployment: string): Promise<string[]> {
  const sets = await h.list('apps/v1', 'ReplicaSet');
  return sets
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deployment))
    .map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?')
    .sort();
}

describe('operator lifecycle on the real control plane (prepared trainer outcomes)', () => {
  it('trains, promotes and serves a new ForecastModel, then rolls out a new model after a spec change', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }, { metrics: BETTER }));
    await h.apply(testForecastModel(h.namespace, 'btc'));

    const first = await servingVersion(h, 'btc');
    const ready = await fmOf(h, 'btc');
    expect(statusOf(ready)).toMatchObject({ endpoint: `http://btc-forecast.${h.namespace}.svc.cluster.local`, model: { mase: 0.8 } });
    expect(condition(ready, 'Trained')).toMatchObject({ status: 'True', reason: 'RunSucceeded' });
    expect(condition(ready, 'Degraded')).toMatchObject({ status: 'False' });
    expect(await h.get(TR.apiVersion, TR.kind, first)).toMatchObject({ spec: { reason: 'Initial', forecastModel: 'btc' }, status: { phase: 'Succeeded', promoted: true, promotionReason: 'BeatBaseline' } });
    expect(await modelUriOf(h, 'btc-forecast')).toBe(`s3://artifacts/${h.namespace}/btc/${first}/`);
    expect(await h.get('v1', 'Service', 'btc-forecast')).toBeDefined();
    // The real Job controller ran the trainer Pod to completion.
    const job = await h.get('batch/v1', 'Job', `${first}-train`);
    expect((job as { status?: { conditions?: Condition[] } }).status?.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Complete', status: 'True' })]));

    await h.patch('forecastmodels', 'btc', { spec: { model: { window: 16 } } });
    const second = await servingVersion(h, 'btc', (v) => v !== first);
    expect(await h.get(TR.apiVersion, TR.kind, second)).toMatchObject({ spec: { reason: 'SpecChanged', model: { window: 16 } } });
    expect(await modelUriOf(h, 'btc-forecast')).toBe(`s3://artifacts/${h.namespace}/btc/${second}/`);
    // The real Deployment controller rolled a second ReplicaSet, keeping capacity (maxUnavailable 0).
    await h.waitFor('the second rollout', async () => (await rolloutRevisions(h, 'btc-forecast')).length === 2);
    expect(await rolloutRevisions(h, 'btc-forecast')).toEqual(['1', '2']);
    const deployment = (await h.get('apps/v1', 'Deployment', 'btc-forecast')) as { spec: { strategy: { rollingUpdate: { maxUnavailable: number } } } };
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('keeps serving the old model and reports Degraded when a retrain fails', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }, { fail: 'exchange unreachable: ECONNREFUSED', exitCode: 1 }));
    await h.apply(testForecastModel(h.namespace, 'btc', { training: { backoffLimit: 0 } }));
    const first = await servingVersion(h, 'btc');

    await h.patch('forecastmodels', 'btc', { spec: { model: { units: 16 } } });
    const degraded = await h.waitFor('Degraded', async () => {
      const fm = await fmOf(h, 'btc');
      return condition(fm, 'Degraded')?.status === 'True' ? fm : undefined;
    });
    expect(condition(degraded, 'Degraded')).toMatchObject({ reason: 'RunFailed' });
    expect(condition(degraded, 'Degraded')!.message).toContain(`still serving ${first}`);
    expect(condition(degraded, 'Degraded')!.message).toContain('exchange unreachable');
    expect(condition(degraded, 'Ready')).toMatchObject({ status: 'True' });
    expect(statusOf(degraded)?.model?.version).toBe(first);
    expect(await modelUriOf(h, 'btc-forecast')).toBe(`s3://artifacts/${h.namespace}/btc/${first}/`);
    const failed = (await runsOf(h)).at(-1)!;
    expect(statusOf(failed)).toMatchObject({ phase: 'Failed' });
    // The real Job controller's reason for a pod that failed with no retries left.
    expect(condition(failed, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    await h.waitFor('a Warning Event for the failed Job', async () => (await h.events()).some((e) => e.reason === 'BackoffLimitExceeded' && e.type === 'Warning'));
  });

  it('rejects a worse model under BeatCurrent, records why, and keeps the served one', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }, { metrics: WORSE }));
    await h.apply(testForecastModel(h.namespace, 'btc', { promotion: { policy: 'BeatCurrent', metric: 'mase' } }));
    const first = await servingVersion(h, 'btc');

    await h.apply({ ...TR, metadata: { name: 'btc-retrain-now', namespace: h.namespace }, spec: { forecastModel: 'btc', market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 } } } as KubeObject);
    const rejected = await h.waitFor('the manual run judged', async () => {
      const run = await h.get(TR.apiVersion, TR.kind, 'btc-retrain-now');
      return statusOf(run)?.promoted === false ? run : undefined;
    });
    expect(statusOf(rejected)).toMatchObject({ promotionReason: 'CurrentNotBeaten' });
    expect(rejected.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ForecastModel', name: 'btc', controller: true })]);
    expect(rejected.metadata.finalizers).toContain('forecasting.makeusrich.io/artifacts');
    expect(statusOf(await fmOf(h, 'btc'))?.model?.version).toBe(first);
    expect(await rolloutRevisions(h, 'btc-forecast')).toEqual(['1']);
    const event = await h.waitFor('the ModelRejected Event', async () => (await h.events()).find((e) => e.reason === 'ModelRejected'));
    expect(event.message).toMatch(/^rejected btc-retrain-now: mase 0\.9500 does not beat the served model's 0\.8000/);
  });

  it('retrains when the schedule comes due on the injected clock', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }, { metrics: BETTER }));
    await h.apply(testForecastModel(h.namespace, 'btc', { training: { schedule: '0 */6 * * *' } }));
    const first = await servingVersion(h, 'btc');
    const due = Date.parse(statusOf(await fmOf(h, 'btc'))!.nextTrainingAt!);
    expect(due).toBeGreaterThan(h.clock.now().getTime());
    expect(due - h.clock.now().getTime()).toBeLessThanOrEqual(6 * HOUR);
    expect(await runsOf(h)).toHaveLength(1);

    h.clock.advance(due - h.clock.now().getTime() + 1000);
    h.operator()!.resyncAll();
    const second = await servingVersion(h, 'btc', (v) => v !== first);
    expect(await h.get(TR.apiVersion, TR.kind, second)).toMatchObject({ spec: { reason: 'Scheduled' } });
    expect(Date.parse(statusOf(await fmOf(h, 'btc'))!.nextTrainingAt!)).toBe(due + 6 * HOUR);
    expect(await runsOf(h)).toHaveLength(2);
  });

  it('lets the garbage collector remove runs, Jobs, Pods, the Deployment and Service with the ForecastModel', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }));
    // Keep: this scenario has no object storage; the artifact finalizer's clean-up is covered with S3 in cluster-operator-serving.
    await h.apply(testForecastModel(h.namespace, 'btc', { serving: { replicas: 2 }, training: { artifactRetention: 'Keep' } }));
    await servingVersion(h, 'btc');
    expect(await h.get('policy/v1', 'PodDisruptionBudget', 'btc-forecast')).toBeDefined();
    await h.waitFor('two inference pods Ready', async () => (await h.list('v1', 'Pod', 'app.kubernetes.io/instance=btc-forecast')).length === 2);

    await h.remove('forecastmodels', 'btc');
    await h.waitFor(
      'every owned object gone',
      async () => {
        const kinds: [string, string][] = [[FM.apiVersion, FM.kind], [TR.apiVersion, TR.kind], ['batch/v1', 'Job'], ['v1', 'Pod'], ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['v1', 'Service'], ['policy/v1', 'PodDisruptionBudget']];
        for (const [apiVersion, kind] of kinds) if ((await h.list(apiVersion, kind)).length > 0) return false;
        return true;
      },
      90_000,
    );
  });

  it('prunes finished runs beyond the history limit, and drops the PodDisruptionBudget when scaled to one replica', async () => {
    const h = (harness = await startScriptedCluster({ metrics: GOOD }, { metrics: BETTER }, { metrics: { ...BETTER, mase: 0.6 } }));
    // Keep: no object storage in this scenario, so the artifact finalizer only has to let go.
    await h.apply(testForecastModel(h.namespace, 'btc', { serving: { replicas: 2 }, training: { successfulRunsHistoryLimit: 1, artifactRetention: 'Keep' } }));
    const first = await servingVersion(h, 'btc');
    expect(await h.get('policy/v1', 'PodDisruptionBudget', 'btc-forecast')).toBeDefined();
    await h.patch('forecastmodels', 'btc', { spec: { model: { window: 16 } } });
    const second = await servingVersion(h, 'btc', (v) => v !== first);
    await h.patch('forecastmodels', 'btc', { spec: { model: { window: 20 } } });
    const third = await servingVersion(h, 'btc', (v) => v !== first && v !== second);
    // The served run (also the newest) is always kept and does not count; one more successful run may stay.
    await h.waitFor(`${first} pruned`, async () => (await h.get(TR.apiVersion, TR.kind, first)) === undefined);
    expect((await runsOf(h)).map((run) => run.metadata.name)).toEqual([second, third]);

    await h.patch('forecastmodels', 'btc', { spec: { serving: { replicas: 1 } } });
    await h.waitFor('the PodDisruptionBudget gone', async () => (await h.get('policy/v1', 'PodDisruptionBudget', 'btc-forecast')) === undefined);
    await h.waitFor('one inference pod', async () => ((await h.get('apps/v1', 'Deployment', 'btc-forecast')) as { status?: { replicas?: number } } | undefined)?.status?.replicas === 1);
  });
});
