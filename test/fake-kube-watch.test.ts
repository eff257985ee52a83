import { CoreV1Api, CustomObjectsApi, PatchStrategy, Watch, makeInformer, setHeaderOptions, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApiServer, type FakeKubeApiServer, type KubeObject } from './fake-kube/index.ts';
import { sampleForecastCrd } from './fake-kube/sample-crd.ts';

const GROUP = 'fake.makeusrich.io';
const VERSION = 'v1alpha1';
const NS = 'watched';
const PATH = `/apis/${GROUP}/${VERSION}/namespaces/${NS}/forecasts`;

interface SeenEvent {
  type: string;
  name: string | undefined;
  resourceVersion: string | undefined;
  object: KubeObject;
}

/** Polls until `condition` holds; the bound only stops a broken test from hanging. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('fake apiserver watches', () => {
  let fake: FakeKubeApiServer;
  let custom: CustomObjectsApi;
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  beforeAll(async () => {
    fake = await startFakeKubeApiServer({ crds: [sampleForecastCrd()], bookmarkIntervalMs: 0 });
    custom = fake.kubeConfig.makeApiClient(CustomObjectsApi);
    fake.store.ensureNamespace(NS);
  });
  afterAll(async () => {
    await fake.close();
  });

  const create = (name: string, labels?: Record<string, string>) =>
    custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: 'forecasts',
      body: { apiVersion: `${GROUP}/${VERSION}`, kind: 'Forecast', metadata: { name, ...(labels ? { labels } : {}) }, spec: { market: { exchange: 'binance', symbol: 'BTC/USDT' } } },
    }) as Promise<KubeObject>;

  const startWatch = async (params: Record<string, string | number | boolean | undefined>) => {
    const events: SeenEvent[] = [];
    let ended: unknown = 'open';
    const controller = await new Watch(fake.kubeConfig).watch(
      PATH,
      params,
      (type, object: KubeObject) => events.push({ type, name: object.metadata?.name, resourceVersion: object.metadata?.resourceVersion, object }),
      (error) => {
        ended = error ?? null;
      },
    );
    return { events, controller, ended: () => ended };
  };

  it('streams the current state, then ADDED/MODIFIED/DELETED, with bookmarks on request', async () => {
    await create('first');
    const watch = await startWatch({ allowWatchBookmarks: true });
    await eventually(() => watch.events.length === 1, 'the initial ADDED event');
    expect(watch.events[0]).toMatchObject({ type: 'ADDED', name: 'first' });

    const second = await create('second');
    await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'second', body: { spec: { model: { window: 96 } } } }, merge);
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'second' });
    fake.sendBookmarks();
    await eventually(() => watch.events.length === 5, 'four more events');
    expect(watch.events.slice(1).map((e) => `${e.type} ${e.name ?? ''}`)).toEqual(['ADDED second', 'MODIFIED second', 'DELETED second', 'BOOKMARK ']);
    const [added, modified, deleted, bookmark] = watch.events.slice(1).map((e) => Number(e.resourceVersion));
    expect(added).toBe(Number(second.metadata.resourceVersion));
    expect(modified).toBeGreaterThan(added ?? 0);
    expect(deleted).toBeGreaterThan(modified ?? 0);
    expect(bookmark).toBe(fake.resourceVersion());
    expect(watch.events[4]?.object.kind).toBe('Forecast');
    watch.controller.abort();
  });

  it('resumes from a resourceVersion and answers expired ones with a 410 ERROR event', async () => {
    const from = fake.resourceVersion();
    await create('third');
    await create('fourth');
    const resumed = await startWatch({ resourceVersion: String(from) });
    await eventually(() => resumed.events.length === 2, 'the replayed events');
    expect(resumed.events.map((e) => `${e.type} ${e.name ?? ''}`)).toEqual(['ADDED third', 'ADDED fourth']);
    resumed.controller.abort();

    fake.expireResourceVersionsBefore(fake.resourceVersion());
    const expired = await startWatch({ resourceVersion: String(from) });
    await eventually(() => expired.ended() !== 'open', 'the expired watch to end');
    expect(expired.events).toHaveLength(1);
    expect(expired.events[0]?.type).toBe('ERROR');
    expect(expired.events[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(expired.ended()).toBeNull();
  });

  it('applies label selectors, turning selector transitions into ADDED and DELETED', async () => {
    const watch = await startWatch({ labelSelector: 'tier=gold', resourceVersion: String(fake.resourceVersion()) });
    await create('plain');
    await create('golden', { tier: 'gold' });
    await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'plain', body: { metadata: { labels: { tier: 'gold' } } } }, merge);
    await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'golden', body: { metadata: { labels: { tier: 'silver' } } } }, merge);
    await eventually(() => watch.events.length === 3, 'three filtered events');
    expect(watch.events.map((e) => `${e.type} ${e.name ?? ''}`)).toEqual(['ADDED golden', 'ADDED plain', 'DELETED golden']);
    watch.controller.abort();
  });

  it('ends every watch on dropWatches so clients must re-watch', async () => {
    const watch = await startWatch({});
    await eventually(() => watch.events.length > 0, 'the initial state');
    fake.dropWatches();
    await eventually(() => watch.ended() !== 'open', 'the watch to close');
    expect(watch.ended()).toBeNull();
  });

  it('keeps a client-node informer in sync across dropped watches and expired versions', async () => {
    const core = fake.kubeConfig.makeApiClient(CoreV1Api);
    const informer = makeInformer<KubernetesObject>(fake.kubeConfig, `/api/v1/namespaces/${NS}/configmaps`, () => core.listNamespacedConfigMap({ namespace: NS }));
    const names = new Set<string>();
    informer.on('add', (o) => names.add(o.metadata?.name ?? ''));
    informer.on('delete', (o) => names.delete(o.metadata?.name ?? ''));
    informer.on('error', () => setTimeout(() => void informer.start(), 10));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'a' } } });
    await eventually(() => names.has('a'), 'the informer to see a');

    fake.expireResourceVersionsBefore(fake.resourceVersion() + 1);
    fake.dropWatches();
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'b' } } });
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: NS });
    await eventually(() => names.has('b') && !names.has('a'), 'the informer to relist');
    await informer.stop();
    expect([...names]).toEqual(['b']);
  });
});
