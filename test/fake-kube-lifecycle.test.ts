import { ApiException, BatchV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type V1OwnerReference } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApiServer, type FakeKubeApiServer, type KubeObject } from './fake-kube/index.ts';
import { sampleForecastCrd } from './fake-kube/sample-crd.ts';

const GROUP = 'fake.makeusrich.io';
const VERSION = 'v1alpha1';
const NS = 'lifecycle';
const FIXED_NOW = new Date('2025-03-01T12:00:00.000Z');

function forecast(name: string) {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'Forecast', metadata: { name }, spec: { market: { exchange: 'binance', symbol: 'BTC/USDT' } } };
}

function ownedBy(owner: KubeObject): V1OwnerReference[] {
  return [{ apiVersion: owner.apiVersion ?? '', kind: owner.kind ?? '', name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }];
}

async function expectCode(call: () => Promise<unknown>, code: number): Promise<void> {
  await expect(call()).rejects.toSatisfy((error) => error instanceof ApiException && error.code === code);
}

describe('fake apiserver object lifecycle', () => {
  let fake: FakeKubeApiServer;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let batch: BatchV1Api;
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  beforeAll(async () => {
    fake = await startFakeKubeApiServer({ crds: [sampleForecastCrd()], clock: { now: () => FIXED_NOW } });
    custom = fake.kubeConfig.makeApiClient(CustomObjectsApi);
    core = fake.kubeConfig.makeApiClient(CoreV1Api);
    batch = fake.kubeConfig.makeApiClient(BatchV1Api);
    fake.store.ensureNamespace(NS);
  });
  afterAll(async () => {
    await fake.close();
  });

  const createForecast = async (name: string, finalizers?: string[]) =>
    (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: 'forecasts',
      body: { ...forecast(name), metadata: { name, ...(finalizers ? { finalizers } : {}) } },
    })) as KubeObject;

  const createJob = (name: string, owner: KubeObject) =>
    batch.createNamespacedJob({
      namespace: NS,
      body: { metadata: { name, ownerReferences: ownedBy(owner) }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'trainer', image: 'mur/trainer:1' }] } } } },
    });

  const createPod = (name: string, owner: KubeObject) =>
    core.createNamespacedPod({ namespace: NS, body: { metadata: { name, ownerReferences: ownedBy(owner) }, spec: { containers: [{ name: 'trainer', image: 'mur/trainer:1' }] } } });

  it('uses the injected clock for creation timestamps', async () => {
    const created = await createForecast('clocked');
    expect(created.metadata.creationTimestamp).toBe('2025-03-01T12:00:00Z');
  });

  it('keeps an object with finalizers until they are removed, marking it and bumping generation', async () => {
    const created = await createForecast('guarded', ['makeusrich.io/cleanup']);
    const deleting = (await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'guarded' })) as KubeObject;
    expect(deleting.metadata.deletionTimestamp).toBe('2025-03-01T12:00:00Z');
    expect(deleting.metadata.generation).toBe((created.metadata.generation ?? 0) + 1);
    const still = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'guarded' })) as KubeObject;
    expect(still.metadata.finalizers).toEqual(['makeusrich.io/cleanup']);

    await expectCode(
      () => custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'guarded', body: { metadata: { finalizers: ['makeusrich.io/cleanup', 'other'] } } }, merge),
      422,
    );
    await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'guarded', body: { metadata: { finalizers: null } } }, merge);
    await expectCode(() => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'guarded' }), 404);
  });

  it('cascades a background delete through owner references, recursively', async () => {
    const owner = await createForecast('btc');
    const job = await createJob('btc-run-1-train', owner);
    await createPod('btc-run-1-train-abcde', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job.metadata?.name ?? '', uid: job.metadata?.uid ?? '' } });
    const secondOwner = await createForecast('shared-owner');
    const shared = await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'shared', ownerReferences: [...ownedBy(owner), ...ownedBy(secondOwner)] } } });
    expect(shared.metadata?.ownerReferences).toHaveLength(2);

    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'btc' });
    await expectCode(() => batch.readNamespacedJob({ name: 'btc-run-1-train', namespace: NS }), 404);
    await expectCode(() => core.readNamespacedPod({ name: 'btc-run-1-train-abcde', namespace: NS }), 404);
    const survivor = await core.readNamespacedConfigMap({ name: 'shared', namespace: NS });
    expect(survivor.metadata?.ownerReferences?.map((r) => r.name)).toEqual(['shared-owner']);
  });

  it('orphans dependents on request, and by default for Jobs (as batch/v1 does)', async () => {
    const owner = await createForecast('eth');
    await createJob('eth-run-1-train', owner);
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'eth', propagationPolicy: 'Orphan' });
    const orphan = await batch.readNamespacedJob({ name: 'eth-run-1-train', namespace: NS });
    expect(orphan.metadata?.ownerReferences).toBeUndefined();

    await createPod('eth-run-1-train-pod', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: orphan.metadata?.name ?? '', uid: orphan.metadata?.uid ?? '' } });
    await batch.deleteNamespacedJob({ name: 'eth-run-1-train', namespace: NS });
    const pod = await core.readNamespacedPod({ name: 'eth-run-1-train-pod', namespace: NS });
    expect(pod.metadata?.ownerReferences).toBeUndefined();
  });

  it('waits for dependents in foreground deletion, then removes the owner', async () => {
    const owner = await createForecast('sol');
    await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'sol-blocker', finalizers: ['makeusrich.io/hold'], ownerReferences: ownedBy(owner) } } });
    const pending = (await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'sol', propagationPolicy: 'Foreground' })) as KubeObject;
    expect(pending.metadata.finalizers).toEqual(['foregroundDeletion']);
    const blocker = await core.readNamespacedConfigMap({ name: 'sol-blocker', namespace: NS });
    expect(blocker.metadata?.deletionTimestamp).toBeDefined();

    await core.patchNamespacedConfigMap({ name: 'sol-blocker', namespace: NS, body: { metadata: { finalizers: null } } }, merge);
    await expectCode(() => core.readNamespacedConfigMap({ name: 'sol-blocker', namespace: NS }), 404);
    await expectCode(() => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'sol' }), 404);
  });

  it('checks delete preconditions and leaves the object on dry runs', async () => {
    const created = await createForecast('ada');
    await expectCode(() => custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'ada', body: { preconditions: { uid: 'not-the-uid' } } }), 409);
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'ada', dryRun: 'All' });
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'ada', body: { preconditions: { uid: created.metadata.uid } } });
    await expectCode(() => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'forecasts', name: 'ada' }), 404);
  });

  it('requires the namespace to exist and empties a namespace before removing it', async () => {
    await expectCode(() => custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'nowhere', plural: 'forecasts', body: forecast('x') }), 404);
    await core.createNamespace({ body: { metadata: { name: 'short-lived' } } });
    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'short-lived', plural: 'forecasts', body: { ...forecast('held'), metadata: { name: 'held', finalizers: ['makeusrich.io/hold'] } } });
    await core.createNamespacedSecret({ namespace: 'short-lived', body: { metadata: { name: 'token' }, stringData: { t: 'x' } } });

    await core.deleteNamespace({ name: 'short-lived' });
    const terminating = await core.readNamespace({ name: 'short-lived' });
    expect(terminating.status?.phase).toBe('Terminating');
    await expectCode(() => core.readNamespacedSecret({ name: 'token', namespace: 'short-lived' }), 404);
    await expectCode(() => core.createNamespacedSecret({ namespace: 'short-lived', body: { metadata: { name: 'late' } } }), 403);

    await custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'short-lived', plural: 'forecasts', name: 'held', body: { metadata: { finalizers: [] } } }, merge);
    await expectCode(() => core.readNamespace({ name: 'short-lived' }), 404);
  });

  it('serves a CRD created through the API, and removes its objects when it is deleted', async () => {
    const crd = sampleForecastCrd() as { metadata: { name: string }; spec: { group: string; names: Record<string, unknown> } };
    crd.metadata.name = 'backtests.fake.makeusrich.io';
    crd.spec.names = { plural: 'backtests', singular: 'backtest', kind: 'Backtest', shortNames: ['bt'] };
    const { ApiextensionsV1Api } = await import('@kubernetes/client-node');
    const extensions = fake.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const created = await extensions.createCustomResourceDefinition({ body: crd as never });
    expect(created.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');

    await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'backtests', body: { ...forecast('bt-1'), kind: 'Backtest' } });
    expect(fake.store.list({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Backtest' }).map((o) => o.metadata.name)).toEqual(['bt-1']);

    await extensions.deleteCustomResourceDefinition({ name: 'backtests.fake.makeusrich.io' });
    await expectCode(() => custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: 'backtests' }), 404);
    const broken = { ...crd, metadata: { name: 'wrong-name' } };
    await expectCode(() => extensions.createCustomResourceDefinition({ body: broken as never }), 422);
  });
});
