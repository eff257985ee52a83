import { describe, expect, it } from 'vitest';
import { findCondition } from '../../core/crd/conditions.ts';
import type { ForecastModelSpec, ForecastModelStatus } from '../../core/crd/forecast-model.ts';
import type { RunMetrics } from '../../core/crd/metrics.ts';
import { resolveForecastModelSpec } from '../../core/crd/resolve.ts';
import { buildInferenceDeployment } from '../builders/inference.ts';
import type { ForecastModelObject, TrainingRunObject } from '../kube/objects.ts';
import { ANNOTATIONS, ARTIFACT_FINALIZER } from '../naming.ts';
import { deploymentFixture, failedRunStatus, forecastModelFixture, GOOD_METRICS, INFERENCE_OPTIONS_FIXTURE, succeededRunStatus, trainingRunFixture } from '../test-support/fixtures.ts';
import { decideForecastModel, type ForecastModelObservation } from './decide.ts';

const inference = INFERENCE_OPTIONS_FIXTURE;
const settings = { inference };
const now = new Date('2026-01-01T00:30:00Z');
const WORSE: RunMetrics = { mase: 1.1, maseStep1: 1.2, naiveMase: 1, skillVsNaive: -0.1, coverage: 0.7, winkler: 600, directionalAccuracy: 0.47 };

function decide(partial: Partial<ForecastModelObservation> & { forecastModel: ForecastModelObject }) {
  return decideForecastModel({ runs: [], now, ...partial }, settings);
}

/** The state after run `name` was promoted and its Deployment rolled out. */
function servingState(name: string, spec: Partial<ForecastModelSpec> = {}, statusExtra: Partial<ForecastModelStatus> = {}) {
  const run = trainingRunFixture(name, { status: succeededRunStatus(name, GOOD_METRICS, { promoted: true, promotionReason: 'BeatBaseline' }) });
  const first = decide({ forecastModel: forecastModelFixture(spec), runs: [{ ...run, status: { ...run.status!, promoted: undefined, promotionReason: undefined } }] });
  const fm = forecastModelFixture(spec, { ...first.status, ...statusExtra });
  const deployment = first.deployment!.action === 'create' ? deploymentFixture(first.deployment!.object as never, true) : undefined;
  return { fm, run, deployment, service: first.service!.action === 'create' ? { metadata: first.service!.object.metadata as never } : undefined };
}

describe('decideForecastModel: training triggers', () => {
  it('creates the Initial run for a new ForecastModel, owned, finalized and named deterministically', () => {
    const plan = decide({ forecastModel: forecastModelFixture() });
    const run = plan.createRun!;
    expect(run.spec).toMatchObject({ forecastModel: 'btc', reason: 'Initial', market: { symbol: 'BTC/USDT' }, model: { window: 72 }, training: { gpu: false, backoffLimit: 1 } });
    expect(run.spec.training).not.toHaveProperty('successfulRunsHistoryLimit');
    expect(run.metadata.name).toMatch(/^btc-[0-9a-f]{10}$/);
    expect(run.metadata.ownerReferences![0]).toMatchObject({ kind: 'ForecastModel', uid: 'fm-uid', controller: true });
    expect(run.metadata.finalizers).toEqual([ARTIFACT_FINALIZER]);
    expect(decide({ forecastModel: forecastModelFixture() }).createRun!.metadata.name).toBe(run.metadata.name);
    expect(plan.events).toEqual([{ type: 'Normal', reason: 'TrainingRunCreated', message: `created TrainingRun ${run.metadata.name} (Initial)` }]);
    expect(findCondition(plan.status.conditions, 'Trained')).toMatchObject({ status: 'False', reason: 'Training' });
    expect(findCondition(plan.status.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'NoModel' });
    expect(plan.status.lastTrainingRun).toBe(run.metadata.name);
  });

  it('waits while a run is in progress', () => {
    const plan = decide({ forecastModel: forecastModelFixture(), runs: [trainingRunFixture('btc-1', { status: { phase: 'Running' } })] });
    expect(plan.createRun).toBeUndefined();
    expect(findCondition(plan.status.conditions, 'Trained')).toMatchObject({ reason: 'Training', message: 'btc-1 is training' });
  });

  it('trains again when the market or model settings change, not when serving settings do', () => {
    const run = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1') });
    const changed = decide({ forecastModel: forecastModelFixture({ model: { window: 48 } as never }, undefined, { generation: 2 }), runs: [run] });
    expect(changed.createRun!.spec).toMatchObject({ reason: 'SpecChanged', model: { window: 48 } });
    const servingOnly = decide({ forecastModel: forecastModelFixture({ serving: { replicas: 3 } as never }, undefined, { generation: 2 }), runs: [run] });
    expect(servingOnly.createRun).toBeUndefined();
  });

  it('orders runs created in the same second by the millisecond stamp the operator writes', () => {
    const second = '2026-01-01T00:20:00Z';
    const older = trainingRunFixture('btc-zzz', { status: succeededRunStatus('btc-zzz'), meta: { creationTimestamp: second, annotations: { [ANNOTATIONS.createdAt]: '2026-01-01T00:20:00.100Z' } } });
    const newer = trainingRunFixture('btc-aaa', {
      spec: { model: { window: 48 } as never },
      status: succeededRunStatus('btc-aaa'),
      meta: { creationTimestamp: second, annotations: { [ANNOTATIONS.createdAt]: '2026-01-01T00:20:00.900Z' } },
    });
    const fm = forecastModelFixture({ model: { window: 48 } as never }, undefined, { generation: 2 });
    // The newest run already trains window 48: no further run, whatever the name order says.
    expect(decide({ forecastModel: fm, runs: [older, newer] }).createRun).toBeUndefined();
    expect(decide({ forecastModel: fm, runs: [older, newer] }).status.lastTrainingRun).toBe('btc-aaa');
  });

  it('does not take a hand-made run with other settings for a spec change', () => {
    const own = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1') });
    const manual = trainingRunFixture('btc-manual', { spec: { reason: 'Manual', model: { window: 24 } as never }, status: succeededRunStatus('btc-manual'), meta: { creationTimestamp: '2026-01-01T00:20:00Z' } });
    expect(decide({ forecastModel: forecastModelFixture(), runs: [own, manual] }).createRun).toBeUndefined();
  });

  it('runs on schedule once the slot after the last training is due, and asks to be woken for it', () => {
    const fm = forecastModelFixture({ training: { schedule: '0 * * * *' } as never });
    const run = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1') });
    const early = decide({ forecastModel: fm, runs: [run], now: new Date('2026-01-01T00:59:00Z') });
    expect(early.createRun).toBeUndefined();
    expect(early.status.nextTrainingAt).toBe('2026-01-01T01:00:00Z');
    expect(early.requeueAfterMs).toBe(60_000);
    const due = decide({ forecastModel: fm, runs: [run], now: new Date('2026-01-01T01:00:02Z') });
    expect(due.createRun!.spec.reason).toBe('Scheduled');
    expect(due.createRun!.metadata.annotations![ANNOTATIONS.scheduledFor]).toBe('2026-01-01T01:00:00Z');
    expect(due.status.nextTrainingAt).toBe('2026-01-01T02:00:00Z');
    // A restarted operator deciding the same slot picks the same name, so the API server refuses a duplicate.
    expect(decide({ forecastModel: fm, runs: [run], now: new Date('2026-01-01T01:00:09Z') }).createRun!.metadata.name).toBe(due.createRun!.metadata.name);
  });

  it('starts nothing while suspended', () => {
    const plan = decide({ forecastModel: forecastModelFixture({ suspend: true, training: { schedule: '0 * * * *' } as never }) });
    expect(plan.createRun).toBeUndefined();
    expect(plan.status.nextTrainingAt).toBeUndefined();
    expect(findCondition(plan.status.conditions, 'Trained')).toMatchObject({ reason: 'Suspended' });
  });

  it('reports a schedule cron cannot parse as Degraded', () => {
    const plan = decide({ forecastModel: forecastModelFixture({ training: { schedule: '0 25 * * *' } as never }), runs: [trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1') })] });
    expect(findCondition(plan.status.conditions, 'Degraded')).toMatchObject({ status: 'True', reason: 'InvalidSchedule' });
  });

  it('reports a bad schedule on a new ForecastModel as Trained=False InvalidSchedule with one Warning, and still trains once', () => {
    const fm = forecastModelFixture({ training: { schedule: '0 25 * * *' } as never });
    const plan = decide({ forecastModel: fm });
    expect(plan.createRun?.spec.reason).toBe('Initial');
    expect(plan.status.nextTrainingAt).toBeUndefined();
    expect(findCondition(plan.status.conditions, 'Trained')).toMatchObject({ status: 'False', reason: 'InvalidSchedule', message: expect.stringContaining('spec.training.schedule') });
    expect(plan.events).toContainEqual({ type: 'Warning', reason: 'InvalidSchedule', message: expect.stringContaining('spec.training.schedule: "0 25 * * *"') });
    const again = decide({ forecastModel: forecastModelFixture(fm.spec, plan.status), runs: [plan.createRun!] });
    expect(again.events.filter((e) => e.reason === 'InvalidSchedule')).toEqual([]);
  });
});

describe('decideForecastModel: promotion and serving', () => {
  it('promotes a run that beats naive and creates the Deployment and Service for it', () => {
    const run = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1') });
    const plan = decide({ forecastModel: forecastModelFixture(), runs: [run] });
    expect(plan.runStatusUpdates).toEqual([{ name: 'btc-1', status: { promoted: true, promotionReason: 'BeatBaseline', promotionMessage: 'mase 0.8200 beats naive 1.0000' } }]);
    expect(plan.deployment).toMatchObject({ action: 'create', object: { metadata: { name: 'btc-forecast' } } });
    expect(plan.service).toMatchObject({ action: 'create' });
    expect(plan.disruptionBudget).toBeUndefined();
    expect(plan.status.model).toMatchObject({ version: 'btc-1', uri: 's3://models/markets/btc/btc-1/', trainingRun: 'btc-1', mase: 0.82, skillVsNaive: 0.18 });
    expect(plan.status.endpoint).toBe('http://btc-forecast.markets.svc.cluster.local');
    expect(findCondition(plan.status.conditions, 'Serving')).toMatchObject({ status: 'False', reason: 'RollingOut' });
    expect(plan.events.map((e) => e.reason)).toEqual(['ModelPromoted']);
  });

  it('is Ready once the Deployment has rolled out, and then a second pass changes nothing', () => {
    const { fm, run, deployment, service } = servingState('btc-1');
    const plan = decide({ forecastModel: fm, runs: [run], ...(deployment ? { deployment } : {}), ...(service ? { service } : {}) });
    expect(findCondition(plan.status.conditions, 'Ready')).toMatchObject({ status: 'True', reason: 'Available', message: 'serving model btc-1' });
    const steady = decide({ forecastModel: forecastModelFixture({}, plan.status), runs: [run], ...(deployment ? { deployment } : {}), ...(service ? { service } : {}) });
    expect(steady).toMatchObject({ statusChanged: false, deleteRuns: [], runStatusUpdates: [], events: [] });
    expect(steady.createRun ?? steady.deployment ?? steady.service ?? steady.disruptionBudget).toBeUndefined();
  });

  it('keeps serving the old model and reports Degraded when the newest run fails', () => {
    const { fm, run, deployment, service } = servingState('btc-1');
    const failed = trainingRunFixture('btc-2', { status: failedRunStatus('btc-2'), meta: { creationTimestamp: '2026-01-01T00:20:00Z' } });
    const plan = decide({ forecastModel: fm, runs: [run, failed], ...(deployment ? { deployment } : {}), ...(service ? { service } : {}) });
    expect(plan.status.model?.version).toBe('btc-1');
    expect(plan.deployment).toBeUndefined();
    expect(findCondition(plan.status.conditions, 'Degraded')).toMatchObject({ status: 'True', reason: 'RunFailed' });
    expect(findCondition(plan.status.conditions, 'Degraded')!.message).toMatch(/^btc-2 failed; still serving btc-1/);
    expect(findCondition(plan.status.conditions, 'Ready')).toMatchObject({ status: 'True' });
    expect(plan.createRun).toBeUndefined();
  });

  it('rejects a worse model under BeatCurrent, records why, and leaves the Deployment alone', () => {
    const spec = { promotion: { policy: 'BeatCurrent', metric: 'mase' } } as Partial<ForecastModelSpec>;
    const { fm, run, deployment, service } = servingState('btc-1', spec);
    const worse = trainingRunFixture('btc-2', { status: succeededRunStatus('btc-2', WORSE), meta: { creationTimestamp: '2026-01-01T00:20:00Z' } });
    const plan = decide({ forecastModel: fm, runs: [run, worse], ...(deployment ? { deployment } : {}), ...(service ? { service } : {}) });
    expect(plan.runStatusUpdates).toEqual([
      { name: 'btc-2', status: { promoted: false, promotionReason: 'CurrentNotBeaten', promotionMessage: "mase 1.1000 does not beat the served model's 0.8200" } },
    ]);
    expect(plan.events[0]).toMatchObject({ reason: 'ModelRejected' });
    expect(plan.status.model?.version).toBe('btc-1');
    expect(plan.deployment).toBeUndefined();
  });

  it('rolls forward to a better model by replacing the Deployment', () => {
    const spec = { promotion: { policy: 'BeatCurrent', metric: 'mase' } } as Partial<ForecastModelSpec>;
    const { fm, run, deployment, service } = servingState('btc-1', spec);
    const better = trainingRunFixture('btc-2', { status: succeededRunStatus('btc-2', { ...GOOD_METRICS, mase: 0.7 }), meta: { creationTimestamp: '2026-01-01T00:20:00Z' } });
    const plan = decide({ forecastModel: fm, runs: [run, better], ...(deployment ? { deployment } : {}), ...(service ? { service } : {}) });
    expect(plan.deployment?.action).toBe('replace');
    expect(plan.service).toBeUndefined();
    expect(plan.status.model?.version).toBe('btc-2');
    expect(findCondition(plan.status.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'RollingOut' });
  });

  it('waits for the annotation under Manual, then promotes the annotated run', () => {
    const spec = { promotion: { policy: 'Manual', metric: 'mase' } } as Partial<ForecastModelSpec>;
    const run = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1') });
    const waiting = decide({ forecastModel: forecastModelFixture(spec), runs: [run] });
    expect(waiting.runStatusUpdates).toEqual([{ name: 'btc-1', status: { promotionReason: 'AwaitingApproval', promotionMessage: expect.stringContaining('promote=true') } }]);
    expect(waiting.deployment).toBeUndefined();
    const approved = { ...run, metadata: { ...run.metadata, annotations: { [ANNOTATIONS.promote]: 'true' } }, status: { ...run.status!, promotionReason: 'AwaitingApproval' } };
    const plan = decide({ forecastModel: forecastModelFixture(spec), runs: [approved] });
    expect(plan.runStatusUpdates[0]!.status).toMatchObject({ promoted: true, promotionReason: 'ManuallyPromoted' });
    expect(plan.deployment?.action).toBe('create');
  });

  it('adds a PodDisruptionBudget above one replica and removes it when scaled back', () => {
    const { fm, run, deployment, service } = servingState('btc-1');
    const scaled = forecastModelFixture({ serving: { replicas: 2 } as never }, fm.status, { generation: 2 });
    const up = decide({ forecastModel: scaled, runs: [run], ...(deployment ? { deployment } : {}), ...(service ? { service } : {}) });
    expect(up.disruptionBudget).toMatchObject({ action: 'create', object: { spec: { maxUnavailable: 1 } } });
    expect(up.deployment?.action).toBe('replace');
    const down = decide({ forecastModel: fm, runs: [run], ...(deployment ? { deployment } : {}), ...(service ? { service } : {}), disruptionBudget: { metadata: { name: 'btc-forecast' } } });
    expect(down.disruptionBudget).toEqual({ action: 'delete', name: 'btc-forecast' });
  });

  it('detects a Deployment that is not rolled out yet for the current model', () => {
    const { fm, run } = servingState('btc-1');
    const spec = resolveForecastModelSpec(fm.spec);
    const desired = buildInferenceDeployment(fm, spec, fm.status!.model!, inference);
    const progressing = deploymentFixture(desired as never, false);
    const plan = decide({ forecastModel: fm, runs: [run], deployment: progressing });
    expect(findCondition(plan.status.conditions, 'Serving')).toMatchObject({ status: 'False', reason: 'RollingOut' });
  });
});

describe('decideForecastModel: history', () => {
  it('prunes finished runs beyond the limits but never the served or newest run', () => {
    const { fm } = servingState('btc-0');
    const at = (i: number) => `2026-01-01T00:0${i}:00Z`;
    const runs: TrainingRunObject[] = [
      trainingRunFixture('btc-0', { status: succeededRunStatus('btc-0', GOOD_METRICS, { promoted: true }), meta: { creationTimestamp: at(0) } }),
      ...[1, 2, 3].map((i) => trainingRunFixture(`btc-${i}`, { status: succeededRunStatus(`btc-${i}`, WORSE, { promoted: false, promotionReason: 'BaselineNotBeaten' }), meta: { creationTimestamp: at(i) } })),
      ...[4, 5].map((i) => trainingRunFixture(`btc-${i}`, { status: failedRunStatus(`btc-${i}`), meta: { creationTimestamp: at(i) } })),
    ];
    const limited = forecastModelFixture({ training: { successfulRunsHistoryLimit: 2, failedRunsHistoryLimit: 0 } as never }, fm.status);
    expect([...decide({ forecastModel: limited, runs }).deleteRuns].sort()).toEqual(['btc-1', 'btc-4']);
  });
});

describe('decideForecastModel: converging after a crash or a lost status', () => {
  const promoted = (name: string, at = '2026-01-01T00:00:05Z') => trainingRunFixture(name, { status: succeededRunStatus(name, GOOD_METRICS, { promoted: true, promotionReason: 'BeatBaseline' }), meta: { creationTimestamp: at } });
  const unmarked = (name: string, at = '2026-01-01T00:00:05Z') => trainingRunFixture(name, { status: succeededRunStatus(name), meta: { creationTimestamp: at } });
  const noChildWrites = (plan: ReturnType<typeof decide>) => expect(plan.deployment ?? plan.service ?? plan.disruptionBudget).toBeUndefined();

  it('serves the run marked promoted when the operator stopped before writing anything else', () => {
    const plan = decide({ forecastModel: forecastModelFixture(), runs: [promoted('btc-1')] });
    expect(plan.status.model?.trainingRun).toBe('btc-1');
    expect(plan.deployment).toMatchObject({ action: 'create' });
    expect(plan.runStatusUpdates).toEqual([]);
    expect(plan.createRun).toBeUndefined();
  });

  it('keeps the Deployment and Service when status lost the model, and reports Ready with the same model', () => {
    const { run, deployment, service } = servingState('btc-1');
    const older = promoted('btc-0', '2026-01-01T00:00:01Z');
    const plan = decide({ forecastModel: forecastModelFixture(), runs: [older, run], deployment: deployment!, service: service! });
    noChildWrites(plan);
    expect(plan.status.model?.version).toBe('btc-1');
    expect(findCondition(plan.status.conditions, 'Ready')).toMatchObject({ status: 'True', reason: 'Available', message: 'serving model btc-1' });
    expect(plan).toMatchObject({ runStatusUpdates: [], deleteRuns: [], events: [] });
    const steady = decide({ forecastModel: forecastModelFixture({}, plan.status), runs: [older, run], deployment: deployment!, service: service! });
    expect(steady.statusChanged).toBe(false);
  });

  it('keeps the PodDisruptionBudget too when status is wiped', () => {
    const spec = { serving: { replicas: 2 } } as Partial<ForecastModelSpec>;
    const { run, deployment, service } = servingState('btc-1', spec);
    const plan = decide({ forecastModel: forecastModelFixture(spec), runs: [run], deployment: deployment!, service: service!, disruptionBudget: { metadata: { name: 'btc-forecast' } } });
    expect(plan.deployment).toBeUndefined();
    expect(plan.disruptionBudget?.action).not.toBe('delete');
  });

  it('finishes recording a promotion whose Deployment was rolled before the run was marked', () => {
    const spec = { promotion: { policy: 'BeatCurrent', metric: 'mase' } } as Partial<ForecastModelSpec>;
    const { fm, run, service } = servingState('btc-1', spec);
    const better = unmarked('btc-2', '2026-01-01T00:20:00Z');
    const stale = unmarked('btc-0', '2026-01-01T00:00:01Z');
    const rolled = decide({ forecastModel: fm, runs: [stale, run, { ...better, status: { ...better.status!, metrics: { ...GOOD_METRICS, mase: 0.7 } } }], deployment: deploymentFixture(servingState('btc-2').deployment!, true), service: service! });
    // Judged again against the model status still names, the decision is recorded with its original reason.
    expect(rolled.runStatusUpdates).toEqual([
      { name: 'btc-2', status: { promoted: true, promotionReason: 'BeatCurrent', promotionMessage: "mase 0.7000 beats the served model's 0.8200" } },
      { name: 'btc-0', status: { promoted: false, promotionReason: 'Superseded', promotionMessage: 'btc-2 is newer' } },
    ]);
    expect(rolled.events.map((e) => e.reason)).toEqual(['ModelPromoted']);
    noChildWrites(rolled);
    expect(rolled.status.model?.trainingRun).toBe('btc-2');
    expect(findCondition(rolled.status.conditions, 'Ready')).toMatchObject({ status: 'True' });
  });

  it('believes the Deployment over status when the run it serves is marked but status was not yet written', () => {
    const { fm, service } = servingState('btc-1');
    const runs = [promoted('btc-1'), promoted('btc-2', '2026-01-01T00:20:00Z')];
    const plan = decide({ forecastModel: fm, runs, deployment: deploymentFixture(servingState('btc-2').deployment!, true), service: service! });
    noChildWrites(plan);
    expect(plan.status.model?.version).toBe('btc-2');
    expect(plan.deleteRuns).toEqual([]);
  });

  it('never deletes serving objects it cannot attribute to a model', () => {
    const { deployment, service } = servingState('btc-9');
    const plan = decide({ forecastModel: forecastModelFixture(), runs: [trainingRunFixture('btc-1', { status: failedRunStatus('btc-1') })], deployment: deployment!, service: service!, disruptionBudget: { metadata: { name: 'btc-forecast' } } });
    noChildWrites(plan);
    expect(findCondition(plan.status.conditions, 'Ready')).toMatchObject({ status: 'False', reason: 'NoModel' });
  });

  it('records a rolled-out model the policy would not pick again as AlreadyServing, without rolling back', () => {
    const spec = { promotion: { policy: 'Manual', metric: 'mase' } } as Partial<ForecastModelSpec>;
    const { fm: served, run, service } = servingState('btc-1');
    const fm = forecastModelFixture(spec, served.status);
    const plan = decide({ forecastModel: fm, runs: [run, unmarked('btc-2', '2026-01-01T00:20:00Z')], deployment: deploymentFixture(servingState('btc-2').deployment!, true), service: service! });
    noChildWrites(plan);
    expect(plan.runStatusUpdates).toEqual([{ name: 'btc-2', status: { promoted: true, promotionReason: 'AlreadyServing', promotionMessage: 'the inference Deployment already serves it' } }]);
    expect(plan.status.model?.version).toBe('btc-2');
  });
});
