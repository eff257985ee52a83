import { describe, expect, it } from 'vitest';
import type { ForecastModelSpec } from '../../core/crd/forecast-model.ts';
import { resolveForecastModelSpec } from '../../core/crd/resolve.ts';
import { createLogger } from '../../core/logger.ts';
import { buildInferenceDeployment, buildInferenceService, deployedModelOf, type InferenceOptions } from '../builders/inference.ts';
import { createEventRecorder } from '../kube/event-recorder.ts';
import type { DeploymentObject, ForecastModelObject, KubeObject, TrainingRunObject } from '../kube/objects.ts';
import type { KubeRest, PatchType } from '../kube/rest-client.ts';
import { createMemoryInformers, createMemoryRest, type MemoryRest } from '../test-support/memory-kube.ts';
import { forecastModelFixture, GOOD_METRICS, succeededRunStatus, trainingRunFixture } from '../test-support/fixtures.ts';
import { createForecastModelReconciler } from './reconcile.ts';
import { servedModelOf } from './served-model.ts';

const log = createLogger({ name: 'reconcile', level: 'silent' });
const now = () => new Date('2026-01-01T00:30:00Z');
const inference: InferenceOptions = { image: 'server:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', tokenSecretName: 'tokens', defaultResources: {}, clusterDomain: 'cluster.local' };
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `rest` that dies (as a killed process would) instead of sending its write number `crashAt` (0-based). */
function crashingAt(rest: MemoryRest, crashAt: number): KubeRest {
  let writes = 0;
  const write = () => {
    if (writes++ === crashAt) throw new Error('killed');
  };
  return {
    get: rest.get,
    list: rest.list,
    create: async <T>(path: string, body: unknown) => (write(), rest.create<T>(path, body)),
    replace: async <T>(path: string, body: unknown) => (write(), rest.replace<T>(path, body)),
    patch: async <T>(path: string, body: unknown, type: PatchType) => (write(), rest.patch<T>(path, body, type)),
    delete: async (path: string) => (write(), rest.delete(path)),
  };
}

/** One reconcile of `markets/btc` by a freshly started operator, whose caches list what the API server holds. */
async function pass(memory: MemoryRest, rest: KubeRest = memory): Promise<void> {
  const informers = createMemoryInformers(memory.stored());
  const recorder = createEventRecorder({ rest, component: 'test', instance: 'test', log, now });
  await createForecastModelReconciler({ rest, informers, recorder, settings: { inference }, now, log })('markets/btc');
}

function seeded(objects: readonly KubeObject[]): MemoryRest {
  const memory = createMemoryRest();
  const collections: Record<string, string> = {
    ForecastModel: '/apis/forecasting.makeusrich.io/v1alpha1/namespaces/markets/forecastmodels',
    TrainingRun: '/apis/forecasting.makeusrich.io/v1alpha1/namespaces/markets/trainingruns',
    Deployment: '/apis/apps/v1/namespaces/markets/deployments',
    Service: '/api/v1/namespaces/markets/services',
  };
  for (const object of objects) memory.seed(collections[object.kind!]!, object);
  return memory;
}

const find = <T extends KubeObject>(memory: MemoryRest, kind: string, name: string) => memory.stored().find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
const writesOf = (memory: MemoryRest) => memory.requests.filter((r) => WRITES.has(r.method));

/** The world before a promotion of btc-2: btc-1 served (or nothing), btc-2 just succeeded. */
function beforePromotion(servingFirst: boolean): KubeObject[] {
  const spec: Partial<ForecastModelSpec> = { promotion: { policy: 'Always', metric: 'mase', significanceLevel: 0.05 } };
  const first = trainingRunFixture('btc-1', { status: succeededRunStatus('btc-1', GOOD_METRICS, { promoted: true, promotionReason: 'PolicyAlways' }) });
  const second = trainingRunFixture('btc-2', { status: succeededRunStatus('btc-2'), meta: { creationTimestamp: '2026-01-01T00:20:00Z' } });
  if (!servingFirst) return [forecastModelFixture(spec), second];
  const fm = forecastModelFixture(spec, { model: servedModelOf(first)! });
  return [fm, first, second, buildInferenceDeployment(fm, resolveForecastModelSpec(fm.spec), servedModelOf(first)!, inference) as KubeObject, buildInferenceService(fm) as KubeObject];
}

describe('createForecastModelReconciler: a promotion killed at any write converges', () => {
  for (const servingFirst of [false, true]) {
    const what = servingFirst ? 'replacing a served model' : 'the first model';
    it(`${what}: the Deployment is written before the run and status are marked`, async () => {
      const memory = seeded(beforePromotion(servingFirst));
      await pass(memory);
      const order = writesOf(memory).map((r) => `${r.method} ${r.path.split('/').slice(-2).join('/')}`);
      expect(order.slice(0, 2)).toEqual([servingFirst ? 'PUT deployments/btc-forecast' : 'POST markets/deployments', 'PATCH btc-2/status']);
      expect(order).toContain('PATCH btc/status');
      expect(order.indexOf('PATCH btc/status')).toBeGreaterThan(order.indexOf('PATCH btc-2/status'));
    });

    it(`${what}: after a crash at every write, a restarted operator serves btc-2 with one roll and deletes nothing`, async () => {
      const clean = seeded(beforePromotion(servingFirst));
      await pass(clean);
      const writesInPass = writesOf(clean).length;
      for (let crashAt = 0; crashAt < writesInPass; crashAt++) {
        const memory = seeded(beforePromotion(servingFirst));
        await pass(memory, crashingAt(memory, crashAt)).catch(() => undefined);
        for (let restart = 0; restart < 3; restart++) await pass(memory);
        const fm = find<ForecastModelObject>(memory, 'ForecastModel', 'btc');
        expect(fm?.status?.model?.trainingRun, `crash at write ${crashAt}`).toBe('btc-2');
        expect(find<TrainingRunObject>(memory, 'TrainingRun', 'btc-2')?.status?.promoted).toBe(true);
        expect(deployedModelOf(find<DeploymentObject>(memory, 'Deployment', 'btc-forecast'))?.version).toBe('btc-2');
        const deploymentWrites = memory.requests.filter((r) => r.path.includes('/deployments') && WRITES.has(r.method));
        expect(deploymentWrites.filter((r) => r.method === 'DELETE')).toEqual([]);
        // The killed write never reached the server: exactly one Deployment write did, so no needless roll.
        expect(deploymentWrites, `crash at write ${crashAt}`).toHaveLength(1);
        // Settled: one more restart writes nothing but, at most, an Event.
        const before = writesOf(memory).length;
        await pass(memory);
        expect(writesOf(memory).slice(before).filter((r) => !r.path.endsWith('/events'))).toEqual([]);
      }
    });
  }
});

describe('createForecastModelReconciler: autoscaling', () => {
  it('rolls a new model without resetting the count the autoscaler set', async () => {
    const objects = beforePromotion(true);
    const autoscaled = forecastModelFixture({ promotion: { policy: 'Always', metric: 'mase', significanceLevel: 0.05 }, serving: { autoscaling: { minReplicas: 2, maxReplicas: 8 } } as never }, (objects[0] as ForecastModelObject).status);
    const deployment = objects[3] as DeploymentObject;
    const memory = seeded([autoscaled, objects[1]!, objects[2]!, { ...deployment, spec: { ...deployment.spec, replicas: 6 } } as KubeObject, objects[4]!]);
    await pass(memory);
    const rolled = find<DeploymentObject>(memory, 'Deployment', 'btc-forecast');
    expect(deployedModelOf(rolled)?.version).toBe('btc-2');
    expect(rolled?.spec?.replicas).toBe(6);
    expect(writesOf(memory).map((r) => `${r.method} ${r.path.split('/').at(-1)}`)).toContain('POST horizontalpodautoscalers');
  });
});
