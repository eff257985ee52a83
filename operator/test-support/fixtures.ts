/** Objects as the API server would return them, for the operator's unit tests. */
import type { ForecastModelSpec, ForecastModelStatus } from '../../core/crd/forecast-model.ts';
import { API_GROUP_VERSION } from '../../core/crd/group.ts';
import type { RunMetrics } from '../../core/crd/metrics.ts';
import type { TrainingRunSpec, TrainingRunStatus } from '../../core/crd/training-run.ts';
import type { InferenceOptions } from '../builders/inference.ts';
import type { DeploymentObject, ForecastModelObject, JobObject, ObjectMeta, PodObject, TrainingRunObject } from '../kube/objects.ts';

/** The market every fixture forecasts. */
export const FIXTURE_MARKET = { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 500 } as const;

/** A ForecastModel `btc` in namespace `markets`, generation 1. */
export function forecastModelFixture(spec: Partial<ForecastModelSpec> = {}, status?: ForecastModelStatus, meta: Partial<ObjectMeta> = {}): ForecastModelObject {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'ForecastModel',
    metadata: { name: 'btc', namespace: 'markets', uid: 'fm-uid', generation: 1, resourceVersion: '10', creationTimestamp: '2026-01-01T00:00:00Z', ...meta },
    spec: { market: { ...FIXTURE_MARKET }, suspend: false, ...spec } as ForecastModelSpec,
    ...(status ? { status } : {}),
  };
}

/** A TrainingRun of `btc`. */
export function trainingRunFixture(name: string, options: { spec?: Partial<TrainingRunSpec>; status?: TrainingRunStatus; meta?: Partial<ObjectMeta> } = {}): TrainingRunObject {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'TrainingRun',
    metadata: { name, namespace: 'markets', uid: `${name}-uid`, generation: 1, resourceVersion: '20', creationTimestamp: '2026-01-01T00:00:05Z', ...options.meta },
    spec: { forecastModel: 'btc', reason: 'Initial', market: { ...FIXTURE_MARKET }, ...options.spec } as TrainingRunSpec,
    ...(options.status ? { status: options.status } : {}),
  };
}

/** Backtest metrics of a model that beats naive persistence. */
export const GOOD_METRICS: RunMetrics = { mase: 0.82, maseStep1: 0.9, naiveMase: 1, skillVsNaive: 0.18, coverage: 0.78, winkler: 412.5, directionalAccuracy: 0.56 };

/** A succeeded run status with the given metrics. */
export function succeededRunStatus(name: string, metrics: RunMetrics = GOOD_METRICS, extra: Partial<TrainingRunStatus> = {}): TrainingRunStatus {
  return {
    phase: 'Succeeded',
    jobName: `${name}-train`,
    startTime: '2026-01-01T00:00:06Z',
    completionTime: '2026-01-01T00:10:00Z',
    artifact: { uri: `s3://models/markets/btc/${name}/`, sha256: 'a'.repeat(64), version: name },
    metrics,
    conditions: [
      { type: 'Succeeded', status: 'True', reason: 'TrainingSucceeded', message: '', lastTransitionTime: '2026-01-01T00:10:00Z', observedGeneration: 1 },
      { type: 'Failed', status: 'False', reason: 'TrainingSucceeded', message: '', lastTransitionTime: '2026-01-01T00:10:00Z', observedGeneration: 1 },
    ],
    ...extra,
  };
}

/** A failed run status. */
export function failedRunStatus(name: string, reason = 'BackoffLimitExceeded'): TrainingRunStatus {
  return {
    phase: 'Failed',
    jobName: `${name}-train`,
    completionTime: '2026-01-01T00:10:00Z',
    conditions: [
      { type: 'Succeeded', status: 'False', reason, message: 'trainer failed', lastTransitionTime: '2026-01-01T00:10:00Z', observedGeneration: 1 },
      { type: 'Failed', status: 'True', reason, message: 'trainer failed', lastTransitionTime: '2026-01-01T00:10:00Z', observedGeneration: 1 },
    ],
  };
}

/** A Job in the given state. */
export function jobFixture(name: string, state: 'running' | 'complete' | 'failed', reason?: string): JobObject {
  const conditions =
    state === 'complete'
      ? [{ type: 'Complete', status: 'True' }]
      : state === 'failed'
        ? [{ type: 'Failed', status: 'True', reason: reason ?? 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }]
        : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'markets', uid: `${name}-uid`, resourceVersion: '30' },
    status: {
      startTime: '2026-01-01T00:00:06Z',
      ...(state === 'running' ? { active: 1 } : {}),
      ...(state === 'complete' ? { succeeded: 1, completionTime: '2026-01-01T00:10:00Z' } : {}),
      ...(state === 'failed' ? { failed: 1 } : {}),
      conditions,
    },
  };
}

/** A finished trainer Pod whose container terminated with `message`. */
export function podFixture(job: string, exitCode: number, message: string | undefined): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${job}-x7k2p`, namespace: 'markets', labels: { 'job-name': job } },
    status: {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      containerStatuses: [{ name: 'trainer', state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', ...(message === undefined ? {} : { message }), finishedAt: '2026-01-01T00:10:00Z' } } }],
    },
  };
}

/** A Deployment as the API server reports it after the given rollout progress. */
export function deploymentFixture(base: { metadata?: { name?: string; annotations?: Record<string, string> }; spec?: { replicas?: number } }, available: boolean, generation = 1): DeploymentObject {
  const replicas = base.spec?.replicas ?? 1;
  return {
    ...(base as object),
    metadata: { name: base.metadata?.name ?? 'btc-forecast', namespace: 'markets', generation, resourceVersion: '40', annotations: base.metadata?.annotations ?? {} },
    status: available
      ? { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas }
      : { observedGeneration: generation, replicas, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 },
  } as DeploymentObject;
}

/** Inference Deployment settings as the operator's configuration would give them. */
export const INFERENCE_OPTIONS_FIXTURE: InferenceOptions = {
  image: 'ghcr.io/mur/server:1',
  imagePullPolicy: 'IfNotPresent',
  s3SecretName: 'mur-s3',
  tokenSecretName: 'mur-api-tokens',
  defaultResources: {},
  clusterDomain: 'cluster.local',
};
