import { afterEach, describe, expect, it } from 'vitest';
import type { RunMetrics } from '../core/crd/metrics.ts';
import type { KubeObject } from './fake-kube/index.ts';
import { startOperatorHarness, type OperatorHarness } from './support/operator-harness.ts';
import { preparedTrainerRunner, type PreparedOutcome } from './support/prepared-trainer.ts';

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

function forecastModel(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    ...FM,
    metadata: { name, namespace: 'markets' },
    spec: { market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 }, model: { window: 12, horizon: 3, units: 8, epochs: 2 }, ...spec },
  } as KubeObject;
}

/** Outcomes handed out in order, one per trainer Job; the last one repeats. */
function scripted(...outcomes: PreparedOutcome[]) {
  let next = 0;
  return preparedTrainerRunner(() => outcomes[Math.min(next++, outcomes.length - 1)]!);
}

let harness: OperatorHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(...outcomes: PreparedOutcome[]): Promise<OperatorHarness> {
  harness = await startOperatorHarness({ runTrainer: scripted(...outcomes), deploymentMode: 'instant' });
  await harness.startOperator();
  return harness;
}

function fmOf(h: OperatorHarness, name: string) {
  return h.get(FM.apiVersion, FM.kind, name);
}

async function servingVersion(h: OperatorHarness, name: string, accept: (version: string) => boolean = () => true): Promise<string> {
  return h.waitFor(`${name} Ready`, () => {
    const fm = fmOf(h, name);
    const version = statusOf(fm)?.model?.version;
    return condition(fm, 'Ready')?.status === 'True' && version && accept(version) ? version : undefined;
  });
}

function runsOf(h: OperatorHarness): KubeObject[] {
  return h.list(TR.apiVersion, TR.kind).sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1));
}

function modelUriOf(h: OperatorHarness, deployment: string): string | undefined {
  const object = h.get('apps/v1', 'Deployment', deployment) as { spec?: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } } | undefined;
  return object?.spec?.template.spec.containers[0]!.env.find((e) => e.name === 'MODEL_URI')?.value;
}

describe('operator lifecycle (prepared trainer outcomes, instant rollouts)', () => {
  it('trains, promotes and serves a new ForecastModel, then rolls out a new model after a spec change', async () => {
    const h = await start({ metrics: GOOD }, { metrics: BETTER });
    await h.apply(forecastModel('btc'));

    const first = await servingVersion(h, 'btc');
    const ready = fmOf(h, 'btc');
    expect(statusOf(ready)).toMatchObject({ endpoint: 'http://btc-forecast.markets.svc.cluster.local', model: { mase: 0.8 } });
    expect(condition(ready, 'Trained')).toMatchObject({ status: 'True', reason: 'RunSucceeded' });
    expect(condition(ready, 'Degraded')).toMatchObject({ status: 'False' });
    expect(h.get(TR.apiVersion, TR.kind, first)).toMatchObject({ spec: { reason: 'Initial', forecastModel: 'btc' }, status: { phase: 'Succeeded', promoted: true, promotionReason: 'BeatBaseline' } });
    expect(modelUriOf(h, 'btc-forecast')).toBe(`s3://artifacts/markets/btc/${first}/`);
    expect(h.get('v1', 'Service', 'btc-forecast')).toBeDefined();

    await h.patch('forecastmodels', 'btc', { spec: { model: { window: 16 } } });
    const second = await servingVersion(h, 'btc', (v) => v !== first);
    expect(h.get(TR.apiVersion, TR.kind, second)).toMatchObject({ spec: { reason: 'SpecChanged', model: { window: 16 } } });
    expect(modelUriOf(h, 'btc-forecast')).toBe(`s3://artifacts/markets/btc/${second}/`);
    expect(h.deployments.rollouts.get('markets/btc-forecast')).toHaveLength(2);
  });

  it('keeps serving the old model and reports Degraded when a retrain fails', async () => {
    const h = await start({ metrics: GOOD }, { fail: 'exchange unreachable: ECONNREFUSED', exitCode: 1 });
    await h.apply(forecastModel('btc'));
    const first = await servingVersion(h, 'btc');

    await h.patch('forecastmodels', 'btc', { spec: { model: { units: 16 } } });
    const degraded = await h.waitFor('Degraded', () => (condition(fmOf(h, 'btc'), 'Degraded')?.status === 'True' ? fmOf(h, 'btc') : undefined));
    expect(condition(degraded, 'Degraded')).toMatchObject({ reason: 'RunFailed' });
    expect(condition(degraded, 'Degraded')!.message).toContain(`still serving ${first}`);
    expect(condition(degraded, 'Degraded')!.message).toContain('exchange unreachable');
    expect(condition(degraded, 'Ready')).toMatchObject({ status: 'True' });
    expect(statusOf(degraded)?.model?.version).toBe(first);
    expect(modelUriOf(h, 'btc-forecast')).toBe(`s3://artifacts/markets/btc/${first}/`);
    const failed = runsOf(h).at(-1)!;
    expect(statusOf(failed)).toMatchObject({ phase: 'Failed' });
    expect(condition(failed, 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    await h.waitFor('a Warning Event for the failed Job', () =>
      (h.server.store.list({ apiVersion: 'v1', kind: 'Event', namespace: 'markets' }) as (KubeObject & { reason: string; type: string })[]).some((e) => e.reason === 'BackoffLimitExceeded' && e.type === 'Warning'),
    );
  });

  it('rejects a worse model under BeatCurrent, records why, and keeps the served one', async () => {
    const h = await start({ metrics: GOOD }, { metrics: WORSE });
    await h.apply(forecastModel('btc', { promotion: { policy: 'BeatCurrent', metric: 'mase' } }));
    const first = await servingVersion(h, 'btc');

    await h.apply({ ...TR, metadata: { name: 'btc-retrain-now', namespace: 'markets' }, spec: { forecastModel: 'btc', market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 } } } as KubeObject);
    const rejected = await h.waitFor('the manual run judged', () => {
      const run = h.get(TR.apiVersion, TR.kind, 'btc-retrain-now');
      return statusOf(run)?.promoted === false ? run : undefined;
    });
    expect(statusOf(rejected)).toMatchObject({ promotionReason: 'CurrentNotBeaten' });
    expect(rejected.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ForecastModel', name: 'btc', controller: true })]);
    expect(rejected.metadata.finalizers).toContain('forecasting.makeusrich.io/artifacts');
    expect(statusOf(fmOf(h, 'btc'))?.model?.version).toBe(first);
    expect(h.deployments.rollouts.get('markets/btc-forecast')).toHaveLength(1);
    const event = await h.waitFor('the ModelRejected Event', () =>
      (h.server.store.list({ apiVersion: 'v1', kind: 'Event', namespace: 'markets' }) as (KubeObject & { reason: string; message: string })[]).find((e) => e.reason === 'ModelRejected'),
    );
    expect(event.message).toMatch(/^rejected btc-retrain-now: mase 0\.9500 does not beat the served model's 0\.8000/);
  });

  it('retrains when the schedule comes due on the injected clock', async () => {
    const h = await start({ metrics: GOOD }, { metrics: BETTER });
    await h.apply(forecastModel('btc', { training: { schedule: '0 */6 * * *' } }));
    const first = await servingVersion(h, 'btc');
    const due = Date.parse(statusOf(fmOf(h, 'btc'))!.nextTrainingAt!);
    expect(due).toBeGreaterThan(h.clock.now().getTime());
    expect(due - h.clock.now().getTime()).toBeLessThanOrEqual(6 * HOUR);
    expect(runsOf(h)).toHaveLength(1);

    h.clock.advance(due - h.clock.now().getTime() + 1000);
    h.operator()!.resyncAll();
    const second = await servingVersion(h, 'btc', (v) => v !== first);
    expect(h.get(TR.apiVersion, TR.kind, second)).toMatchObject({ spec: { reason: 'Scheduled' } });
    expect(Date.parse(statusOf(fmOf(h, 'btc'))!.nextTrainingAt!)).toBe(due + 6 * HOUR);
    expect(runsOf(h)).toHaveLength(2);
  });
});
