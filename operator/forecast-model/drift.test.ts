import { describe, expect, it } from 'vitest';
import type { ForecastModelSpec, ForecastModelStatus } from '../../core/crd/forecast-model.ts';
import type { LiveRecord } from '../drift/live-record.ts';
import type { TrainingRunObject } from '../kube/objects.ts';
import { ANNOTATIONS } from '../naming.ts';
import { deploymentFixture, forecastModelFixture, INFERENCE_OPTIONS_FIXTURE, succeededRunStatus, trainingRunFixture } from '../test-support/fixtures.ts';
import { decideForecastModel, type ForecastModelObservation } from './decide.ts';

const inference = INFERENCE_OPTIONS_FIXTURE;
const NOW = new Date('2026-01-02T12:00:00Z');
const HOUR = 3_600_000;
const SERVED = 'btc-1';
const COVERAGE_ONLY = { coverageBelow: 0.75, minSamples: 100, cooldown: '24h' };

/** A live record of the served model: coverage collapsed, MASE as trained. */
const degraded = (extra: Partial<LiveRecord> = {}): LiveRecord => ({ modelVersion: SERVED, samples: 240, coverage: 0.61, mase: 0.95, winkler: 420, nominalCoverage: 0.8, ...extra });

/** `btc` serving run btc-1 (promoted, rolled out), with `retrainWhen`, and the runs and Deployment that show it. */
function serving(retrainWhen: unknown, statusExtra: Partial<ForecastModelStatus> = {}, runs: TrainingRunObject[] = []) {
  const spec = { training: { retrainWhen } } as Partial<ForecastModelSpec>;
  const run = trainingRunFixture(SERVED, { status: succeededRunStatus(SERVED, undefined, { promoted: true, promotionReason: 'BeatBaseline' }) });
  const first = decideForecastModel({ forecastModel: forecastModelFixture(spec), runs: [run], now: NOW }, { inference });
  const fm = forecastModelFixture(spec, { ...first.status, ...statusExtra });
  const deployment = deploymentFixture(first.deployment!.action === 'create' ? (first.deployment!.object as never) : (undefined as never), true);
  return (liveRecord: LiveRecord | undefined, options: { now?: Date; extraRuns?: TrainingRunObject[] } = {}) => {
    const observation: ForecastModelObservation = { forecastModel: fm, runs: [run, ...runs, ...(options.extraRuns ?? [])], deployment, now: options.now ?? NOW, ...(liveRecord ? { liveRecord } : {}) };
    return decideForecastModel(observation, { inference });
  };
}

/** A Drift run created at `at` whose model the promotion policy rejected: the model before it keeps serving. */
function driftRun(name: string, at: Date): TrainingRunObject {
  const status = succeededRunStatus(name, undefined, { promoted: false, promotionReason: 'NotBetterThanCurrent' });
  return trainingRunFixture(name, { spec: { reason: 'Drift' }, status, meta: { creationTimestamp: at.toISOString(), annotations: { [ANNOTATIONS.createdAt]: at.toISOString() } } });
}

describe('decideForecastModel: retraining when the live record degrades', () => {
  it('starts a Drift run when live coverage falls below coverageBelow, says which figure crossed which bound, and records when', () => {
    const plan = serving(COVERAGE_ONLY)(degraded());
    const run = plan.createRun!;
    expect(run.spec.reason).toBe('Drift');
    expect(run.spec.training).not.toHaveProperty('retrainWhen');
    expect(plan.status.lastDriftAt).toBe('2026-01-02T12:00:00Z');
    expect(plan.status.model?.version).toBe(SERVED);
    expect(plan.events).toEqual([
      { type: 'Normal', reason: 'TrainingRunCreated', message: `created TrainingRun ${run.metadata.name} (Drift)` },
      { type: 'Warning', reason: 'DriftDetected', message: `live coverage 0.61 (nominal 0.8) over 240 samples is below retrainWhen.coverageBelow 0.75; retraining as TrainingRun ${run.metadata.name}` },
    ]);
    // A restarted operator (or a second pass before the cache shows the run) names the same run: the API server refuses the duplicate.
    expect(serving(COVERAGE_ONLY)(degraded({ coverage: 0.5 }), { now: new Date(NOW.getTime() + 30_000) }).createRun!.metadata.name).toBe(run.metadata.name);
  });

  it('waits for minSamples scored samples before a bound counts', () => {
    const decide = serving(COVERAGE_ONLY);
    expect(decide(degraded({ samples: 99 })).createRun).toBeUndefined();
    expect(decide(degraded({ samples: 0, coverage: undefined })).createRun).toBeUndefined();
    expect(decide(degraded({ samples: 100 })).createRun?.spec.reason).toBe('Drift');
  });

  it('starts nothing while the figures stay within the bounds, or on the boundary itself', () => {
    const decide = serving({ coverageBelow: 0.75, maseAbove: 1.2, minSamples: 100, cooldown: '24h' });
    expect(decide(degraded({ coverage: 0.79, mase: 1.1 })).createRun).toBeUndefined();
    expect(decide(degraded({ coverage: 0.75, mase: 1.2 })).createRun).toBeUndefined();
    expect(decide(undefined).createRun).toBeUndefined();
  });

  it('watches MASE with maseAbove, and names every bound crossed when both are', () => {
    const maseOnly = serving({ maseAbove: 1.2, minSamples: 100, cooldown: '24h' });
    // Coverage alone crosses nothing without coverageBelow.
    expect(maseOnly(degraded({ coverage: 0.1 })).createRun).toBeUndefined();
    const maseCrossed = maseOnly(degraded({ mase: 1.4567 }));
    expect(maseCrossed.events[1]!.message).toMatch(/^live MASE 1\.457 over 240 samples is above retrainWhen\.maseAbove 1\.2; retraining as TrainingRun btc-/);

    const both = serving({ coverageBelow: 0.75, maseAbove: 1.2, minSamples: 100, cooldown: '24h' })(degraded({ mase: 1.5 }));
    expect(both.createRun?.spec.reason).toBe('Drift');
    expect(both.events.filter((e) => e.reason === 'DriftDetected')).toHaveLength(1);
    expect(both.events[1]!.message).toContain('live coverage 0.61 (nominal 0.8) over 240 samples is below retrainWhen.coverageBelow 0.75; live MASE 1.5 over 240 samples is above retrainWhen.maseAbove 1.2');
  });

  it('starts no second Drift run within the cooldown, from status or, when status lost it, from the runs', () => {
    const lastDrift = new Date(NOW.getTime() - 23 * HOUR);
    const previous = driftRun('btc-drift-1', lastDrift);
    const fromStatus = serving(COVERAGE_ONLY, { lastDriftAt: '2026-01-01T13:00:00Z' });
    expect(fromStatus(degraded()).createRun).toBeUndefined();
    expect(fromStatus(degraded()).status.lastDriftAt).toBe('2026-01-01T13:00:00Z');
    const fromRuns = serving(COVERAGE_ONLY, {}, [previous]);
    const inCooldown = fromRuns(degraded());
    expect(inCooldown.createRun).toBeUndefined();
    expect(inCooldown.events).toEqual([]);
    expect(inCooldown.status.lastDriftAt).toBe('2026-01-01T13:00:00Z');

    const after = fromRuns(degraded(), { now: new Date(lastDrift.getTime() + 24 * HOUR) });
    expect(after.createRun?.spec.reason).toBe('Drift');
    expect(after.status.lastDriftAt).toBe('2026-01-02T13:00:00Z');
    // A shorter cooldown lets it through at once.
    expect(serving({ ...COVERAGE_ONLY, cooldown: '1h30m' }, {}, [previous])(degraded()).createRun?.spec.reason).toBe('Drift');
  });

  it('names each drift run after the drift before it, so the next one is a new run', () => {
    const first = serving(COVERAGE_ONLY)(degraded()).createRun!;
    const previous = driftRun(first.metadata.name, NOW);
    const later = new Date(NOW.getTime() + 25 * HOUR);
    const second = serving(COVERAGE_ONLY, { lastDriftAt: '2026-01-02T12:00:00Z' }, [previous])(degraded(), { now: later }).createRun!;
    expect(second.metadata.name).not.toBe(first.metadata.name);
  });

  it('ignores figures of another model (a pod still serving the one before) and waits for a run in flight', () => {
    const decide = serving(COVERAGE_ONLY);
    expect(decide(degraded({ modelVersion: 'btc-0' })).createRun).toBeUndefined();
    const { modelVersion: _unnamed, ...unnamed } = degraded();
    expect(decide(unnamed).createRun?.spec.reason).toBe('Drift');
    expect(decide(degraded(), { extraRuns: [trainingRunFixture('btc-2', { status: { phase: 'Running' }, meta: { creationTimestamp: '2026-01-02T11:00:00Z' } })] }).createRun).toBeUndefined();
  });

  it('starts nothing without retrainWhen, while suspended or before any model is served', () => {
    expect(serving(undefined)(degraded()).createRun).toBeUndefined();
    const suspended = forecastModelFixture({ suspend: true, training: { retrainWhen: COVERAGE_ONLY } as never });
    expect(decideForecastModel({ forecastModel: suspended, runs: [trainingRunFixture(SERVED, { status: succeededRunStatus(SERVED) })], liveRecord: degraded(), now: NOW }, { inference }).createRun).toBeUndefined();
    const unserved = forecastModelFixture({ training: { retrainWhen: COVERAGE_ONLY } as never });
    const failed = trainingRunFixture('btc-0', { status: { phase: 'Failed', conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: '', lastTransitionTime: '2026-01-01T00:10:00Z' }] } });
    expect(decideForecastModel({ forecastModel: unserved, runs: [failed], liveRecord: degraded(), now: NOW }, { inference }).createRun).toBeUndefined();
  });

  it('reports a retrainWhen without a bound (written before the CRD refused it) as an invalid spec', () => {
    const fm = forecastModelFixture({ training: { retrainWhen: { minSamples: 10, cooldown: '1h' } } as never });
    const plan = decideForecastModel({ forecastModel: fm, runs: [], liveRecord: degraded(), now: NOW }, { inference });
    expect(plan.createRun).toBeUndefined();
    expect(plan.events).toEqual([{ type: 'Warning', reason: 'InvalidSpec', message: expect.stringContaining('retrainWhen needs coverageBelow, maseAbove or both') }]);
  });
});
