import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunMetrics } from '../core/crd/metrics.ts';
import type { KubeObject } from './fake-kube/index.ts';
import type { TrainerRunner } from './support/job-simulator.ts';
import { startOperatorHarness, type OperatorHarness } from './support/operator-harness.ts';
import { preparedTrainerRunner } from './support/prepared-trainer.ts';
import { startNodeProcess } from './support/simulated-pod.ts';

const FM = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel' } as const;
const TR = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun' } as const;
const GOOD: RunMetrics = { mase: 0.8, maseStep1: 0.85, naiveMase: 1, skillVsNaive: 0.2, coverage: 0.79, winkler: 310, directionalAccuracy: 0.56 };

type Status = { conditions?: { type: string; status: string }[]; model?: { version: string } };
const statusOf = (o: KubeObject | undefined) => (o as { status?: Status } | undefined)?.status;
const isReady = (o: KubeObject | undefined) => statusOf(o)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function forecastModel(name: string, model: Record<string, unknown> = {}): KubeObject {
  return {
    ...FM,
    metadata: { name, namespace: 'markets' },
    spec: { market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 }, model: { window: 12, horizon: 3, units: 8, epochs: 2, ...model } },
  } as KubeObject;
}

/** A trainer that holds every run until the test releases them. */
function heldTrainer(): { runner: TrainerRunner; release: () => void } {
  const release = Promise.withResolvers<void>();
  const prepared = preparedTrainerRunner(() => ({ metrics: GOOD }));
  return {
    runner: async (job, env, signal) => {
      await release.promise;
      return prepared(job, env, signal);
    },
    release: () => release.resolve(),
  };
}

let harness: OperatorHarness | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await harness?.close();
  harness = undefined;
});

describe('operator resilience', () => {
  it('creates no duplicate TrainingRun or Job when killed mid-run and restarted', async () => {
    const trainer = heldTrainer();
    const h = (harness = await startOperatorHarness({ runTrainer: trainer.runner, deploymentMode: 'instant' }));
    const { child, output } = startNodeProcess('operator/main.ts', [], { ...h.operatorEnv, MUR_HTTP_PORT: '0' });
    children.push(child);
    await h.apply(forecastModel('btc'));
    await h.waitFor('the trainer to start', () => h.jobs.running() === 1 || undefined, 20_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\noperator output:\n${output()}`);
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const restarted = await h.startOperator();
    await restarted.settled();
    expect(h.list(TR.apiVersion, TR.kind)).toHaveLength(1);
    expect(h.list('batch/v1', 'Job')).toHaveLength(1);

    trainer.release();
    const ready = await h.waitFor('btc Ready after the restart', () => (isReady(h.get(FM.apiVersion, FM.kind, 'btc')) ? h.get(FM.apiVersion, FM.kind, 'btc') : undefined));
    expect(h.list(TR.apiVersion, TR.kind)).toHaveLength(1);
    expect(h.list('batch/v1', 'Job')).toHaveLength(1);
    expect(h.jobs.started).toHaveLength(1);
    expect(statusOf(ready)?.model?.version).toBe(h.list(TR.apiVersion, TR.kind)[0]!.metadata.name);
  });

  it('converges after the API server drops every watch and expires the versions it resumed from', async () => {
    const h = (harness = await startOperatorHarness({ runTrainer: preparedTrainerRunner(() => ({ metrics: GOOD })), deploymentMode: 'instant' }));
    await h.startOperator();
    await h.apply(forecastModel('btc'));
    await h.waitFor('btc Ready', () => isReady(h.get(FM.apiVersion, FM.kind, 'btc')));

    // In one synchronous step (so no watch can reconnect in between): the watches drop, changes land, and
    // the versions the operator would resume from expire.
    const btc = h.get(FM.apiVersion, FM.kind, 'btc')! as KubeObject & { spec: { model: Record<string, unknown> } };
    h.server.dropWatches();
    h.server.store.create(forecastModel('eth'));
    h.server.store.put({ ...btc, metadata: { ...btc.metadata, generation: 2 }, spec: { ...btc.spec, model: { ...btc.spec.model, window: 24 } } });
    h.server.expireResourceVersionsBefore(h.server.resourceVersion());

    await h.waitFor('eth Ready', () => isReady(h.get(FM.apiVersion, FM.kind, 'eth')));
    const rolled = await h.waitFor('btc retrained for the new window', () => {
      const runs = h.list(TR.apiVersion, TR.kind).filter((r) => (r as { spec: { forecastModel: string; model?: { window?: number } } }).spec.forecastModel === 'btc');
      const retrained = runs.find((r) => (r as { spec: { model?: { window?: number } } }).spec.model?.window === 24);
      const fm = h.get(FM.apiVersion, FM.kind, 'btc');
      return retrained && isReady(fm) && statusOf(fm)?.model?.version === retrained.metadata.name ? retrained : undefined;
    });
    expect(rolled.metadata.name).toMatch(/^btc-/);
    expect(h.list(TR.apiVersion, TR.kind)).toHaveLength(3);
    // The informers had to list again: resuming from the expired versions was refused.
    expect(h.server.stats.snapshot().byResource['forecastmodels.forecasting.makeusrich.io']?.list).toBeGreaterThan(1);
  });

  it('lets only the Lease holder act, and hands over when it stops', async () => {
    const h = (harness = await startOperatorHarness({
      runTrainer: preparedTrainerRunner(() => ({ metrics: GOOD })),
      deploymentMode: 'instant',
      operatorEnv: { MUR_LEADER_ELECT: 'true', MUR_LEASE_DURATION_SECONDS: '2', MUR_LEASE_RETRY_SECONDS: '1' },
    }));
    const first = await h.startOperator();
    const { createOperator } = await import('../operator/operator.ts');
    const { parseOperatorConfig } = await import('../operator/config.ts');
    const { createLogger } = await import('../core/logger.ts');
    const standby = createOperator({
      config: parseOperatorConfig({ ...h.operatorEnv, MUR_POD_NAME: 'operator-standby' }),
      kubeConfig: h.server.kubeConfig,
      log: createLogger({ name: 'standby', level: 'warn', destination: 2 }),
    });
    await standby.start();
    try {
      await h.apply(forecastModel('btc'));
      await h.waitFor('btc Ready', () => isReady(h.get(FM.apiVersion, FM.kind, 'btc')));
      const lease = h.server.store.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'make-us-rich', name: 'make-us-rich-operator' });
      expect((lease as { spec: { holderIdentity: string } }).spec.holderIdentity).toBe('operator-test');
      expect(await standby.metrics.reconciles.get().then((m) => m.values.reduce((sum, v) => sum + v.value, 0))).toBe(0);
      expect(await first.metrics.reconciles.get().then((m) => m.values.reduce((sum, v) => sum + v.value, 0))).toBeGreaterThan(0);

      await h.stopOperator();
      await h.apply(forecastModel('eth'));
      await h.waitFor('eth Ready through the standby', () => isReady(h.get(FM.apiVersion, FM.kind, 'eth')), 20_000);
      const taken = h.server.store.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'make-us-rich', name: 'make-us-rich-operator' });
      expect((taken as { spec: { holderIdentity: string } }).spec.holderIdentity).toBe('operator-standby');
    } finally {
      await standby.stop();
    }
  });
});
