import { CoreV1Api, CustomObjectsApi, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApiServer, type FakeKubeApiServer, type KubeObject } from './fake-kube/index.ts';
import { sampleForecastCrd } from './fake-kube/sample-crd.ts';

const GROUP = 'fake.makeusrich.io';
const VERSION = 'v1alpha1';
const NS = 'fleet';
const COUNT = 1000;
const CONCURRENCY = 32;

/** Runs `task` for 0..count-1 with at most `limit` in flight. */
async function inParallel(count: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe('fake apiserver with a thousand custom resources', () => {
  let fake: FakeKubeApiServer;

  beforeAll(async () => {
    fake = await startFakeKubeApiServer({ crds: [sampleForecastCrd()], bookmarkIntervalMs: 0 });
    fake.store.ensureNamespace(NS);
  });
  afterAll(async () => {
    await fake.close();
  });

  it('applies, watches, updates status of and cascades the deletion of 1,000 objects', async () => {
    const custom = fake.kubeConfig.makeApiClient(CustomObjectsApi);
    const core = fake.kubeConfig.makeApiClient(CoreV1Api);
    const seen = new Map<string, number>();
    const controller = await new Watch(fake.kubeConfig).watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${NS}/forecasts`,
      {},
      (type) => seen.set(type, (seen.get(type) ?? 0) + 1),
      () => undefined,
    );
    const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
    const owners: KubeObject[] = new Array(COUNT);
    await inParallel(COUNT, CONCURRENCY, async (i) => {
      owners[i] = (await custom.patchNamespacedCustomObject(
        {
          group: GROUP,
          version: VERSION,
          namespace: NS,
          plural: 'forecasts',
          name: `pair-${i}`,
          fieldManager: 'scale-test',
          body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Forecast', metadata: { name: `pair-${i}`, labels: { shard: String(i % 4) } }, spec: { market: { exchange: 'binance', symbol: `C${i}/USDT` } } },
        },
        apply,
      )) as KubeObject;
    });
    await inParallel(COUNT, CONCURRENCY, async (i) => {
      const owner = owners[i] as KubeObject;
      await core.createNamespacedConfigMap({
        namespace: NS,
        body: { metadata: { name: `pair-${i}-state`, ownerReferences: [{ apiVersion: `${GROUP}/${VERSION}`, kind: 'Forecast', name: `pair-${i}`, uid: owner.metadata.uid ?? '' }] } },
      });
      await custom.patchNamespacedCustomObjectStatus(
        { group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: `pair-${i}`, body: { status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    });

    const shard = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', labelSelector: 'shard=1' })) as { items: KubeObject[] };
    expect(shard.items).toHaveLength(COUNT / 4);
    expect(shard.items.every((item) => (item.status as { conditions: unknown[] }).conditions.length === 1)).toBe(true);

    await custom.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts' });
    expect(fake.store.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS })).toEqual([]);
    for (let i = 0; i < 500 && (seen.get('DELETED') ?? 0) < COUNT; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(Object.fromEntries(seen)).toEqual({ ADDED: COUNT, MODIFIED: COUNT, DELETED: COUNT });

    const stats = fake.stats.snapshot();
    expect(stats.byResource['forecasts.fake.makeusrich.io']).toMatchObject({ patch: COUNT, list: 1, watch: 1, deletecollection: 1 });
    expect(stats.byResource['forecasts.fake.makeusrich.io/status']).toEqual({ patch: COUNT });
    expect(stats.byResource.configmaps).toEqual({ create: COUNT });
  });
});
