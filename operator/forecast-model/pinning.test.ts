import { describe, expect, it } from 'vitest';
import { findCondition } from '../../core/crd/conditions.ts';
import type { ForecastModelSpec, ForecastModelStatus } from '../../core/crd/forecast-model.ts';
import { resolveForecastModelSpec } from '../../core/crd/resolve.ts';
import { buildInferenceDeployment, deployedModelOf, type InferenceOptions } from '../builders/inference.ts';
import type { DeploymentObject, TrainingRunObject } from '../kube/objects.ts';
import { ANNOTATIONS } from '../naming.ts';
import { deploymentFixture, failedRunStatus, forecastModelFixture, GOOD_METRICS, succeededRunStatus, trainingRunFixture } from '../test-support/fixtures.ts';
import { decideForecastModel } from './decide.ts';
import { servedModelOf } from './served-model.ts';

const inference: InferenceOptions = { image: 'server:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', tokenSecretName: 't', defaultResources: {}, clusterDomain: 'cluster.local' };
const now = new Date('2026-01-01T05:00:00Z');
const promotedRun = (name: string, minute: number, promoted = true): TrainingRunObject =>
  trainingRunFixture(name, {
    status: succeededRunStatus(name, GOOD_METRICS, { promoted, promotionReason: promoted ? 'BeatBaseline' : 'BaselineNotBeaten' }),
    meta: { creationTimestamp: `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z` },
  });
const runs = [promotedRun('btc-1', 1), promotedRun('btc-2', 2, false), promotedRun('btc-3', 3)];

/** The cluster after `run` was rolled out, `pinned` recorded on the Deployment. */
function servingState(run: TrainingRunObject, spec: Partial<ForecastModelSpec>, status: Partial<ForecastModelStatus> = {}, pinned?: string) {
  const model = servedModelOf(run)!;
  const fm = forecastModelFixture(spec, { model, ...status });
  const desired = buildInferenceDeployment(fm, resolveForecastModelSpec(fm.spec), model, inference, pinned);
  return { fm, deployment: deploymentFixture(desired as never, true) };
}
const decide = (fm: ReturnType<typeof forecastModelFixture>, deployment: DeploymentObject, list: readonly TrainingRunObject[] = runs) => decideForecastModel({ forecastModel: fm, runs: list, deployment, now }, { inference });

describe('decideForecastModel: pinning a run (rollback)', () => {
  it('serves the pinned run whatever the promotion policy said of it, records it and says so', () => {
    const { fm, deployment } = servingState(runs[2]!, { serving: { pinnedRun: 'btc-2' } as never });
    const plan = decide(fm, deployment);
    expect(deployedModelOf(plan.deployment!.object as DeploymentObject)).toEqual({ version: 'btc-2', uri: servedModelOf(runs[1]!)!.uri });
    expect(plan.deployment!.object.metadata!.annotations![ANNOTATIONS.pinnedRun]).toBe('btc-2');
    expect(plan.status.model!.trainingRun).toBe('btc-2');
    expect(findCondition(plan.status.conditions, 'Pinned')).toMatchObject({ status: 'True', reason: 'ModelPinned' });
    expect(plan.events).toContainEqual(expect.objectContaining({ type: 'Normal', reason: 'ModelPinned', message: expect.stringContaining('btc-2') }));
    expect(plan.runStatusUpdates).toEqual([]);
  });

  it('keeps serving and reports why when the pinned run does not exist or did not succeed', () => {
    for (const [pinnedRun, reason, list] of [
      ['btc-9', 'PinnedRunNotFound', runs],
      ['btc-f', 'PinnedRunNotSucceeded', [...runs, trainingRunFixture('btc-f', { status: failedRunStatus('btc-f'), meta: { creationTimestamp: '2026-01-01T00:00:30Z' } })]],
    ] as const) {
      const { fm, deployment } = servingState(runs[2]!, { serving: { pinnedRun } as never });
      const plan = decide(fm, deployment, list);
      expect(plan.deployment).toBeUndefined();
      expect(plan.status.model!.trainingRun).toBe('btc-3');
      expect(findCondition(plan.status.conditions, 'Pinned')).toMatchObject({ status: 'False', reason, message: expect.stringContaining(`pinned run ${pinnedRun}`) });
      expect(findCondition(plan.status.conditions, 'Degraded')).toMatchObject({ status: 'True', reason });
      expect(plan.events).toContainEqual(expect.objectContaining({ type: 'Warning', reason }));
      expect(plan.deleteRuns).not.toContain(pinnedRun);
    }
  });

  it('returns to the newest promoted run when unpinned', () => {
    const pinnedCondition = { type: 'Pinned', status: 'True' as const, reason: 'ModelPinned', message: 'serving pinned run btc-1 (model btc-1)', lastTransitionTime: '2026-01-01T04:00:00Z' };
    const { fm, deployment } = servingState(runs[0]!, {}, { conditions: [pinnedCondition] }, 'btc-1');
    const plan = decide(fm, deployment);
    expect(deployedModelOf(plan.deployment!.object as DeploymentObject)!.version).toBe('btc-3');
    expect(plan.deployment!.object.metadata!.annotations).not.toHaveProperty(ANNOTATIONS.pinnedRun);
    expect(plan.status.model!.trainingRun).toBe('btc-3');
    expect(findCondition(plan.status.conditions, 'Pinned')).toMatchObject({ status: 'False', reason: 'NotPinned' });
    expect(plan.events).toContainEqual(expect.objectContaining({ reason: 'ModelUnpinned' }));
  });

  it('never prunes the pinned run, and keeps the run unpinning returns to', () => {
    const older = [promotedRun('btc-1', 1), promotedRun('btc-2', 2), promotedRun('btc-3', 3), promotedRun('btc-4', 4), promotedRun('btc-5', 5)];
    const { fm, deployment } = servingState(older[0]!, { serving: { pinnedRun: 'btc-1' } as never, training: { successfulRunsHistoryLimit: 1 } as never }, {}, 'btc-1');
    const plan = decide(fm, deployment, older);
    expect([...plan.deleteRuns].sort()).toEqual(['btc-2', 'btc-3']);
  });

  it('never prunes the newest run the operator started, which records the trained settings', () => {
    const manual = (name: string, minute: number) => ({ ...promotedRun(name, minute), spec: { ...promotedRun(name, minute).spec, reason: 'Manual' as const } });
    const list = [promotedRun('btc-1', 1), manual('btc-2', 2), manual('btc-3', 3), manual('btc-4', 4)];
    const { fm, deployment } = servingState(list[3]!, { training: { successfulRunsHistoryLimit: 1 } as never });
    expect(decide(fm, deployment, list).deleteRuns).toEqual(['btc-2']);
  });

  it('still judges new runs while pinned, and the promoted one waits for the unpin', () => {
    const fresh = trainingRunFixture('btc-4', { status: succeededRunStatus('btc-4'), meta: { creationTimestamp: '2026-01-01T00:04:00Z' } });
    const { fm, deployment } = servingState(runs[0]!, { serving: { pinnedRun: 'btc-1' } as never }, {}, 'btc-1');
    const plan = decide(fm, deployment, [...runs, fresh]);
    expect(plan.runStatusUpdates).toEqual([expect.objectContaining({ name: 'btc-4', status: expect.objectContaining({ promoted: true }) })]);
    expect(plan.deployment).toBeUndefined();
    expect(plan.events).toContainEqual(expect.objectContaining({ reason: 'ModelPromoted', message: expect.stringContaining('pinned run btc-1 keeps serving') }));
  });
});

describe('decideForecastModel: autoscaling', () => {
  it('creates the Deployment at minReplicas with an autoscaler, and leaves the live count alone afterwards', () => {
    const fm = forecastModelFixture({ serving: { autoscaling: { minReplicas: 2, maxReplicas: 5 } } as never }, { model: servedModelOf(runs[2]!)! });
    const first = decideForecastModel({ forecastModel: fm, runs, now }, { inference });
    expect(first.deployment).toMatchObject({ action: 'create', object: { spec: { replicas: 2 } } });
    expect(first.autoscaler).toMatchObject({ action: 'create', object: { spec: { minReplicas: 2, maxReplicas: 5 } } });
    expect(first.disruptionBudget).toMatchObject({ action: 'create' });
    const scaled = deploymentFixture({ ...(first.deployment!.object as object), spec: { replicas: 4 } } as never, true);
    const next = decideForecastModel({ forecastModel: fm, runs, now, deployment: scaled, autoscaler: first.autoscaler!.action === 'create' ? (first.autoscaler!.object as never) : undefined }, { inference });
    expect(next.deployment).toBeUndefined();
    expect(next.autoscaler).toBeUndefined();
    expect(findCondition(next.status.conditions, 'Serving')).toMatchObject({ status: 'True' });
  });

  it('deletes the autoscaler when autoscaling is switched off', () => {
    const fm = forecastModelFixture({ serving: { replicas: 3 } as never }, { model: servedModelOf(runs[2]!)! });
    const plan = decideForecastModel({ forecastModel: fm, runs, now, autoscaler: { metadata: { name: 'btc-forecast' } } }, { inference });
    expect(plan.autoscaler).toEqual({ action: 'delete', name: 'btc-forecast' });
    expect(plan.deployment).toMatchObject({ object: { spec: { replicas: 3 } } });
  });
});
