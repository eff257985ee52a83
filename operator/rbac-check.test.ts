import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../core/artifact-store.ts';
import type { ForecastModelSpec } from '../core/crd/forecast-model.ts';
import { resolveForecastModelSpec } from '../core/crd/resolve.ts';
import { createLogger } from '../core/logger.ts';
import { buildInferenceAutoscaler } from './builders/autoscaler.ts';
import { buildInferenceDeployment, buildInferenceDisruptionBudget, buildInferenceService, type InferenceOptions } from './builders/inference.ts';
import { createForecastModelReconciler } from './forecast-model/reconcile.ts';
import { servedModelOf } from './forecast-model/served-model.ts';
import { createEventRecorder } from './kube/event-recorder.ts';
import { createOperatorInformers } from './kube/informers.ts';
import type { ForecastModelObject, KubeObject, TrainingRunObject } from './kube/objects.ts';
import type { KubeRest } from './kube/rest-client.ts';
import { startLeaderElection } from './leader/leader-election.ts';
import { ARTIFACT_FINALIZER } from './naming.ts';
import { operatorClusterRules, operatorNamespaceRules } from './rbac.ts';
import { isAllowed, requestAttributes } from './rbac-check.ts';
import { createMemoryCluster, type MemoryRest } from './test-support/memory-kube.ts';
import { failedRunStatus, forecastModelFixture, GOOD_METRICS, jobFixture, podFixture, succeededRunStatus, trainingRunFixture } from './test-support/fixtures.ts';
import { secretBackedArtifactStores } from './training-run/artifact-cleanup.ts';
import { createTrainingRunReconciler } from './training-run/reconcile.ts';

const log = createLogger({ name: 'rbac-check', level: 'silent' });
const now = () => new Date('2026-01-01T00:30:00Z');
const clusterRules = operatorClusterRules({ s3SecretName: 'mur-s3' });
const inference: InferenceOptions = { image: 'server:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', tokenSecretName: 'mur-api-tokens', defaultResources: {}, clusterDomain: 'cluster.local' };
const trainingSettings = { trainerImage: 'trainer:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', artifactBaseUri: 's3://models/', jobTtlSeconds: 60, trainerResources: {} };

/** Requests the rules do not grant, as `verb group/resource`. */
function denied(rest: MemoryRest, rules = clusterRules): string[] {
  return rest.requests.map((r) => requestAttributes(r.method, r.path, r.query)).filter((a) => !isAllowed(rules, a)).map((a) => `${a.verb} ${a.apiGroup}/${a.resource}`);
}

/** The serving objects the operator writes for `run`'s model. */
function servingObjects(fm: ForecastModelObject, run: TrainingRunObject, spec: Partial<ForecastModelSpec> = {}): KubeObject[] {
  const owner = forecastModelFixture({ ...fm.spec, ...spec });
  const resolved = resolveForecastModelSpec(owner.spec);
  const budget = buildInferenceDisruptionBudget(owner, resolved);
  const autoscaler = buildInferenceAutoscaler(owner, resolved);
  return [buildInferenceDeployment(owner, resolved, servedModelOf(run)!, inference), buildInferenceService(owner), ...(budget ? [budget] : []), ...(autoscaler ? [autoscaler] : [])] as KubeObject[];
}

async function reconcileForecastModel(objects: readonly KubeObject[]): Promise<MemoryRest> {
  const { rest, informers } = createMemoryCluster(objects);
  const recorder = createEventRecorder({ rest, component: 'test', instance: 'test', log, now });
  await createForecastModelReconciler({ rest, informers, recorder, settings: { inference }, now, log })('markets/btc');
  return rest;
}

async function reconcileTrainingRun(objects: readonly KubeObject[], uncached: readonly KubeObject[]): Promise<MemoryRest> {
  const { rest, informers } = createMemoryCluster(objects, uncached);
  const recorder = createEventRecorder({ rest, component: 'test', instance: 'test', log, now });
  const secrets = secretBackedArtifactStores(rest, 'mur-s3');
  // The Secret is read for real; the store is not used, so no object storage is needed.
  const openArtifacts = async (uri: string, namespace: string) => {
    await secrets(uri, namespace);
    return { removeAll: async () => undefined } as unknown as ArtifactStore;
  };
  await createTrainingRunReconciler({ rest, informers, recorder, settings: trainingSettings, openArtifacts, now, log })('markets/btc-1');
  return rest;
}

describe('requestAttributes', () => {
  it('derives verb and resource as the API server does', () => {
    expect(requestAttributes('GET', '/apis/apps/v1/namespaces/markets/deployments')).toEqual({ verb: 'list', apiGroup: 'apps', resource: 'deployments' });
    expect(requestAttributes('GET', '/api/v1/pods', { watch: 'true' })).toEqual({ verb: 'watch', apiGroup: '', resource: 'pods' });
    expect(requestAttributes('PATCH', '/apis/forecasting.makeusrich.io/v1alpha1/namespaces/m/forecastmodels/btc/status')).toEqual({ verb: 'patch', apiGroup: 'forecasting.makeusrich.io', resource: 'forecastmodels/status', name: 'btc' });
    expect(requestAttributes('DELETE', '/api/v1/namespaces/m/services/btc-forecast')).toMatchObject({ verb: 'delete', resource: 'services' });
    expect(requestAttributes('PUT', '/api/v1/namespaces/m/services/btc-forecast')).toMatchObject({ verb: 'update' });
  });
});

describe('the RBAC rules grant every request the operator makes', () => {
  const run = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1') });
  const promoted = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1', GOOD_METRICS, { promoted: true, promotionReason: 'BeatBaseline' }) });
  const fm = forecastModelFixture();

  const forecastModelPaths: Record<string, () => KubeObject[]> = {
    'a new ForecastModel': () => [fm],
    'a first model to promote': () => [fm, run],
    'a crash after the run was marked promoted': () => [fm, promoted],
    'a status lost while serving (backup restore)': () => [forecastModelFixture({ serving: { replicas: 2 } as never }), promoted, ...servingObjects(fm, promoted, { serving: { replicas: 2 } as never })],
    'a crash after the Deployment was rolled': () => [
      forecastModelFixture({}, { model: servedModelOf(promoted)! }),
      promoted,
      trainingRunFixture('btc-2', { status: succeededRunStatus('btc-2'), meta: { creationTimestamp: '2026-01-01T00:20:00Z' } }),
      ...servingObjects(fm, trainingRunFixture('btc-2', { status: succeededRunStatus('btc-2') })),
    ],
    'serving objects of a model the cache does not know (a stale leader)': () => [fm, trainingRunFixture('btc-0', { status: failedRunStatus('btc-0') }), ...servingObjects(fm, trainingRunFixture('btc-9', { status: succeededRunStatus('btc-9') }))],
    'a scale back to one replica': () => [forecastModelFixture({}, { model: servedModelOf(promoted)! }), promoted, ...servingObjects(fm, promoted, { serving: { replicas: 3 } as never })],
    'autoscaling switched on while serving': () => [
      forecastModelFixture({ serving: { autoscaling: { minReplicas: 2, maxReplicas: 5 } } as never }, { model: servedModelOf(promoted)! }),
      promoted,
      ...servingObjects(fm, promoted),
    ],
    'autoscaling switched off again': () => [
      forecastModelFixture({}, { model: servedModelOf(promoted)! }),
      promoted,
      ...servingObjects(fm, promoted, { serving: { autoscaling: { minReplicas: 1, maxReplicas: 5 } } as never }),
    ],
    'runs beyond the history limits': () => [
      forecastModelFixture({ training: { failedRunsHistoryLimit: 0 } as never }, { model: servedModelOf(promoted)! }),
      promoted,
      trainingRunFixture('btc-f', { status: failedRunStatus('btc-f'), meta: { creationTimestamp: '2026-01-01T00:00:01Z' } }),
      trainingRunFixture('btc-g', { status: failedRunStatus('btc-g'), meta: { creationTimestamp: '2026-01-01T00:20:00Z' } }),
    ],
  };
  for (const [path, objects] of Object.entries(forecastModelPaths)) {
    it(`ForecastModel controller: ${path}`, async () => {
      const rest = await reconcileForecastModel(objects());
      expect(rest.requests.length).toBeGreaterThan(0);
      expect(denied(rest)).toEqual([]);
    });
  }

  const owned = { ownerReferences: [{ apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel', name: 'btc', uid: 'fm-uid', controller: true }], finalizers: [ARTIFACT_FINALIZER] };
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-s3', namespace: 'markets' }, data: { S3_ENDPOINT: btoa('http://s3.local:9000'), S3_ACCESS_KEY_ID: btoa('a'), S3_SECRET_ACCESS_KEY: btoa('b') } };
  const summary = JSON.stringify({ ok: true, artifactUri: 's3://models/markets/btc/btc-1/', version: 'btc-1', metrics: GOOD_METRICS });
  const running = trainingRunFixture('btc-1', { meta: owned, status: { phase: 'Running', jobName: 'btc-1-train' } });
  const trainingRunPaths: Record<string, () => [cached: KubeObject[], uncached?: KubeObject[]]> = {
    'a hand-made run to adopt and start': () => [[fm, trainingRunFixture('btc-1')]],
    'a Job an earlier attempt created': () => [[fm, trainingRunFixture('btc-1', { meta: owned })], [jobFixture('btc-1-train', 'running')]],
    'a finished Job to read the summary of': () => [[fm, running, jobFixture('btc-1-train', 'complete')], [podFixture('btc-1-train', 0, summary)]],
    'a failed Job': () => [[fm, running, jobFixture('btc-1-train', 'failed')], [podFixture('btc-1-train', 1, 'boom')]],
    'a run being deleted': () => [[trainingRunFixture('btc-1', { meta: { ...owned, deletionTimestamp: '2026-01-01T00:29:00Z' }, status: succeededRunStatus('btc-1') })], [secret]],
  };
  for (const [path, objects] of Object.entries(trainingRunPaths)) {
    it(`TrainingRun controller: ${path}`, async () => {
      const [cached, uncached = []] = objects();
      const rest = await reconcileTrainingRun(cached, uncached);
      expect(rest.requests.length).toBeGreaterThan(0);
      expect(denied(rest)).toEqual([]);
    });
  }

  it('leader election: acquire and release the Lease', async () => {
    const { rest } = createMemoryCluster([]);
    const leading = Promise.withResolvers<void>();
    const election = startLeaderElection({ rest, namespace: 'mur', name: 'lease', identity: 'a', durationSeconds: 15, retryPeriodSeconds: 3600, log, onStartedLeading: leading.resolve, onStoppedLeading: () => undefined });
    await leading.promise;
    await election.stop();
    expect(rest.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'PUT']);
    expect(denied(rest, operatorNamespaceRules())).toEqual([]);
  });

  it('informers: list and watch of every cached resource', () => {
    const informers = createOperatorInformers({ rest: {} as KubeRest, kubeConfig: new KubeConfig(), namespaces: [], resyncMs: 60_000, log, routing: { forecastModelChanged: () => undefined, trainingRunChanged: () => undefined } });
    const cached = Object.values(informers).filter((i): i is { resource: { group: string; plural: string } } => typeof i === 'object' && 'resource' in i);
    expect(cached).toHaveLength(8);
    for (const { resource } of cached) {
      for (const verb of ['list', 'watch']) expect(isAllowed(clusterRules, { verb, apiGroup: resource.group, resource: resource.plural }), `${verb} ${resource.plural}`).toBe(true);
    }
  });
});
