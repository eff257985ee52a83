import { describe, expect, it } from 'vitest';
import { findCondition } from '../../core/crd/conditions.ts';
import { ARTIFACT_FINALIZER } from '../naming.ts';
import { forecastModelFixture, jobFixture, podFixture, succeededRunStatus, trainingRunFixture } from '../test-support/fixtures.ts';
import { decideTrainingRun, decideTrainingRunDeletion, needsTerminationMessage, type TrainingRunSettings } from './decide.ts';

const settings: TrainingRunSettings = {
  trainerImage: 'ghcr.io/mur/trainer:1',
  imagePullPolicy: 'IfNotPresent',
  s3SecretName: 'mur-s3',
  artifactBaseUri: 's3://models/',
  jobTtlSeconds: 3600,
  trainerResources: {},
};
const now = new Date('2026-01-01T00:10:30Z');
const owned = { ownerReferences: [{ apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel', name: 'btc', uid: 'fm-uid', controller: true }], finalizers: [ARTIFACT_FINALIZER] };
const run = trainingRunFixture('btc-1', { meta: owned });
const summary = {
  ok: true,
  artifactUri: 's3://models/markets/btc/btc-1/',
  sha256: 'c'.repeat(64),
  version: 'btc-1',
  metrics: { mase: 0.8, maseStep1: 0.9, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 300, directionalAccuracy: 0.55 },
  backend: 'wasm',
};

describe('decideTrainingRun', () => {
  it('creates the Job `<run>-train` writing to the run folder, and records it', () => {
    const plan = decideTrainingRun({ run, now }, settings);
    expect(plan.createJob?.metadata?.name).toBe('btc-1-train');
    const env = plan.createJob!.spec!.template.spec!.containers[0]!.env!;
    expect(env.find((e) => e.name === 'MUR_ARTIFACT_URI')?.value).toBe('s3://models/markets/btc/btc-1/');
    expect(plan.status).toMatchObject({ phase: 'Pending', jobName: 'btc-1-train' });
    expect(findCondition(plan.status.conditions, 'Succeeded')).toMatchObject({ status: 'Unknown', reason: 'JobCreated' });
    expect(plan.metadataPatch).toBeUndefined();
  });

  it('writes nothing while the new Job reports itself before its Pod runs', () => {
    const created = decideTrainingRun({ run, now }, settings);
    const job = jobFixture('btc-1-train', 'running');
    // What the Job controller shows first: no active Pod, no start time yet.
    const waiting = { ...job, status: {} };
    const plan = decideTrainingRun({ run: { ...run, status: created.status }, job: waiting, now }, settings);
    expect(plan.createJob).toBeUndefined();
    expect(plan.statusChanged).toBe(false);
  });

  it('follows a running Job without creating another', () => {
    const plan = decideTrainingRun({ run: { ...run, status: { jobName: 'btc-1-train', phase: 'Pending' } }, job: jobFixture('btc-1-train', 'running'), now }, settings);
    expect(plan.createJob).toBeUndefined();
    expect(plan.status).toMatchObject({ phase: 'Running', startTime: '2026-01-01T00:00:06Z' });
  });

  it('reports a trainer Pod the scheduler cannot place, with its message, and clears it once the Pod is placed', () => {
    const message = '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.';
    const pending = { ...run, status: { jobName: 'btc-1-train', phase: 'Pending' as const } };
    // The Job controller counts the Pending Pod as active, which alone would read as training.
    const job = { ...jobFixture('btc-1-train', 'running'), status: { active: 1 } };
    const trainerPod = (scheduled: { status: string; reason?: string; message?: string }) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'btc-1-train-x7k2p', namespace: 'markets' },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', ...scheduled }] },
    });
    const stuck = decideTrainingRun({ run: pending, job, trainerPods: [trainerPod({ status: 'False', reason: 'Unschedulable', message })], now }, settings);
    expect(stuck.status.phase).toBe('Pending');
    expect(findCondition(stuck.status.conditions, 'Succeeded')).toMatchObject({ status: 'Unknown', reason: 'Unschedulable', message: `trainer Pod btc-1-train-x7k2p cannot be scheduled: ${message}` });
    expect(stuck.events).toEqual([{ type: 'Warning', reason: 'Unschedulable', message: `trainer Pod btc-1-train-x7k2p cannot be scheduled: ${message}` }]);

    const again = decideTrainingRun({ run: { ...pending, status: stuck.status }, job, trainerPods: [trainerPod({ status: 'False', reason: 'Unschedulable', message })], now }, settings);
    expect(again.statusChanged).toBe(false);
    expect(again.events).toEqual([]);

    const placed = decideTrainingRun({ run: { ...pending, status: stuck.status }, job, trainerPods: [trainerPod({ status: 'True' })], now }, settings);
    expect(placed.statusChanged).toBe(true);
    expect(findCondition(placed.status.conditions, 'Succeeded')).toMatchObject({ status: 'Unknown', reason: 'Running' });
  });

  it('reads the summary from the finished Pod into artifact and metrics', () => {
    const job = jobFixture('btc-1-train', 'complete');
    const started = { ...run, status: { jobName: 'btc-1-train', phase: 'Running' as const } };
    expect(needsTerminationMessage(started, job)).toBe(true);
    const plan = decideTrainingRun({ run: started, job, pods: [podFixture('btc-1-train', 0, JSON.stringify(summary))], now }, settings);
    expect(plan.status).toMatchObject({
      phase: 'Succeeded',
      completionTime: '2026-01-01T00:10:00Z',
      artifact: { uri: 's3://models/markets/btc/btc-1/', sha256: 'c'.repeat(64), version: 'btc-1' },
      metrics: summary.metrics,
      backend: 'wasm',
    });
    expect(findCondition(plan.status.conditions, 'Succeeded')).toMatchObject({ status: 'True', reason: 'TrainingSucceeded' });
    expect(findCondition(plan.status.conditions, 'Failed')).toMatchObject({ status: 'False' });
    expect(plan.events).toEqual([]);
  });

  it('records bad input (exit 2) with the trainer error and emits a Warning', () => {
    const job = jobFixture('btc-1-train', 'failed');
    const message = JSON.stringify({ ok: false, error: 'BTC/USDT has only 120 candles, need 500' });
    const plan = decideTrainingRun({ run: { ...run, status: { jobName: 'btc-1-train', phase: 'Running' } }, job, pods: [podFixture('btc-1-train', 2, message)], now }, settings);
    expect(plan.status.phase).toBe('Failed');
    expect(findCondition(plan.status.conditions, 'Failed')).toMatchObject({ status: 'True', reason: 'BadInput', message: 'BTC/USDT has only 120 candles, need 500' });
    expect(plan.events).toEqual([{ type: 'Warning', reason: 'BadInput', message: 'BTC/USDT has only 120 candles, need 500' }]);
  });

  it('records the Job reason when the trainer left no summary', () => {
    const plan = decideTrainingRun({ run: { ...run, status: { jobName: 'btc-1-train' } }, job: jobFixture('btc-1-train', 'failed', 'DeadlineExceeded'), pods: [], now }, settings);
    expect(findCondition(plan.status.conditions, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job has reached the specified backoff limit' });
  });

  it('fails a completed Job whose Pod holds no summary rather than inventing a model', () => {
    const plan = decideTrainingRun({ run: { ...run, status: { jobName: 'btc-1-train' } }, job: jobFixture('btc-1-train', 'complete'), pods: [podFixture('btc-1-train', 0, 'done')], now }, settings);
    expect(plan.status.phase).toBe('Failed');
    expect(findCondition(plan.status.conditions, 'Failed')).toMatchObject({ reason: 'SummaryMissing' });
  });

  it('never touches a finished run again, even when its Job is gone', () => {
    const finished = { ...run, status: succeededRunStatus('btc-1') };
    const plan = decideTrainingRun({ run: finished, now }, settings);
    expect(plan).toEqual({ status: finished.status, statusChanged: false, events: [] });
    expect(needsTerminationMessage(finished, jobFixture('btc-1-train', 'complete'))).toBe(false);
  });

  it('fails a run whose Job vanished before finishing', () => {
    const plan = decideTrainingRun({ run: { ...run, status: { jobName: 'btc-1-train', phase: 'Running' } }, now }, settings);
    expect(plan.createJob).toBeUndefined();
    expect(findCondition(plan.status.conditions, 'Failed')).toMatchObject({ status: 'True', reason: 'JobMissing' });
  });

  it('adopts a hand-made run into its ForecastModel and adds the artifact finalizer', () => {
    const manual = trainingRunFixture('retrain-now', { spec: { reason: 'Manual' } });
    const plan = decideTrainingRun({ run: manual, forecastModel: forecastModelFixture(), now }, settings);
    expect(plan.metadataPatch).toEqual({
      ownerReferences: [{ apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel', name: 'btc', uid: 'fm-uid', controller: true, blockOwnerDeletion: true }],
      labels: { 'app.kubernetes.io/managed-by': 'make-us-rich-operator', 'forecasting.makeusrich.io/forecast-model': 'btc' },
      finalizers: [ARTIFACT_FINALIZER],
    });
    expect(plan.createJob?.metadata?.name).toBe('retrain-now-train');
  });

  it('changes nothing on a second pass over the same observation', () => {
    const first = decideTrainingRun({ run, now }, settings);
    const second = decideTrainingRun({ run: { ...run, status: first.status }, job: jobFixture('btc-1-train', 'running'), now }, settings);
    const third = decideTrainingRun({ run: { ...run, status: second.status }, job: jobFixture('btc-1-train', 'running'), now: new Date('2026-01-01T00:11:00Z') }, settings);
    expect(third.statusChanged).toBe(false);
    expect(third.createJob).toBeUndefined();
  });
});

describe('decideTrainingRunDeletion', () => {
  const deleting = (retention?: 'Keep' | 'Delete') =>
    trainingRunFixture('btc-1', {
      spec: retention ? { training: { artifactRetention: retention } as never } : {},
      status: succeededRunStatus('btc-1'),
      meta: { ...owned, deletionTimestamp: '2026-01-02T00:00:00Z' },
    });

  it('removes the artifacts, then the finalizer', () => {
    expect(decideTrainingRunDeletion(deleting(), 's3://models/')).toEqual({ removeArtifactsAt: 's3://models/markets/btc/btc-1/', removeFinalizer: true });
  });

  it('keeps the artifacts when the retention policy says Keep', () => {
    expect(decideTrainingRunDeletion(deleting('Keep'), 's3://models/')).toEqual({ removeFinalizer: true });
  });

  it('does nothing for a run that is not being deleted', () => {
    expect(decideTrainingRunDeletion(run, 's3://models/')).toEqual({ removeFinalizer: false });
  });
});
