import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubeApiServer, type FakeKubeApiServer } from './fake-kube/index.ts';
import { sampleForecastCrd } from './fake-kube/sample-crd.ts';

const GROUP = 'fake.makeusrich.io';
const VERSION = 'v1alpha1';
const PLURAL = 'forecasts';
const NS = 'markets';

interface ForecastLike {
  metadata: { name: string; resourceVersion: string; generation: number; uid: string; namespace: string; labels?: Record<string, string> };
  spec: { market: { exchange: string; symbol: string }; model: { window: number; horizon: number; quantiles: number[] }; promotion?: { policy: string } };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
}

function forecast(name: string, symbol = 'BTC/USDT', extra: Record<string, unknown> = {}) {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'Forecast', metadata: { name, ...extra }, spec: { market: { exchange: 'binance', symbol } } };
}

/** Runs `call` and returns the parsed Status of the ApiException it must throw. */
async function statusOf(call: () => Promise<unknown>): Promise<{ code: number; reason: string; message: string; details?: { causes?: { field: string; message: string; reason: string }[]; name?: string; kind?: string } }> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    const body = JSON.parse((error as ApiException<string>).body) as { kind: string };
    expect(body.kind).toBe('Status');
    expect((error as ApiException<string>).code).toBe((body as unknown as { code: number }).code);
    return body as never;
  }
  throw new Error('expected the call to fail');
}

describe('fake apiserver with @kubernetes/client-node', () => {
  let fake: FakeKubeApiServer;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;

  beforeAll(async () => {
    fake = await startFakeKubeApiServer({ crds: [sampleForecastCrd()] });
    custom = fake.kubeConfig.makeApiClient(CustomObjectsApi);
    core = fake.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });
  afterAll(async () => {
    await fake.close();
  });

  const get = (name: string) => custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name }) as Promise<ForecastLike>;

  it('creates with defaults and system metadata, gets, lists and reports 404/409 as Status objects', async () => {
    const created = (await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, body: forecast('btc') })) as ForecastLike;
    expect(created.spec.model).toEqual({ window: 72, horizon: 24, quantiles: [0.1, 0.5, 0.9] });
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata.resourceVersion)).toBeGreaterThan(0);
    expect((await get('btc')).metadata.uid).toBe(created.metadata.uid);

    const list = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL })) as { kind: string; metadata: { resourceVersion: string }; items: ForecastLike[] };
    expect(list.kind).toBe('ForecastList');
    expect(list.items.map((i) => i.metadata.name)).toContain('btc');
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(created.metadata.resourceVersion));

    const missing = await statusOf(() => get('nope'));
    expect(missing).toMatchObject({ code: 404, reason: 'NotFound', message: 'forecasts.fake.makeusrich.io "nope" not found', details: { name: 'nope', kind: 'forecasts' } });
    const duplicate = await statusOf(() => custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, body: forecast('btc') }));
    expect(duplicate).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'forecasts.fake.makeusrich.io "btc" already exists' });
  });

  it('rejects a stale resourceVersion on update with 409 Conflict and accepts the fresh one', async () => {
    const current = await get('btc');
    const fresh = { ...current, spec: { ...current.spec, model: { ...current.spec.model, window: 96 } } };
    const updated = (await custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: fresh })) as ForecastLike;
    expect(updated.spec.model.window).toBe(96);
    expect(updated.metadata.generation).toBe(current.metadata.generation + 1);
    const stale = await statusOf(() => custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: fresh }));
    expect(stale).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on forecasts.fake.makeusrich.io "btc": the object has been modified; please apply your changes to the latest version and try again',
    });
    const unconditional = { ...fresh, metadata: { ...fresh.metadata, resourceVersion: undefined } };
    const refused = await statusOf(() => custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: unconditional }));
    expect(refused.message).toBe('Forecast.fake.makeusrich.io "btc" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  });

  it('splits spec and status: generation moves with spec only, /status writes only status', async () => {
    const before = await get('btc');
    const withStatus = { ...before, status: { observedGeneration: 99, conditions: [{ type: 'Ready', status: 'True' }] } };
    const mainWrite = (await custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: withStatus })) as ForecastLike;
    expect(mainWrite.status).toBeUndefined();
    expect(mainWrite.metadata.resourceVersion).toBe(before.metadata.resourceVersion);

    const statusWrite = (await custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace: NS,
      plural: PLURAL,
      name: 'btc',
      body: { ...withStatus, metadata: { ...before.metadata, labels: { ignored: 'yes' } }, spec: { ...before.spec, model: { ...before.spec.model, window: 8 } } },
    })) as ForecastLike;
    expect(statusWrite.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(statusWrite.spec.model.window).toBe(before.spec.model.window);
    expect(statusWrite.metadata.labels).toBeUndefined();
    expect(statusWrite.metadata.generation).toBe(before.metadata.generation);

    const labelled = (await custom.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: { metadata: { labels: { tier: 'gold' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as ForecastLike;
    expect(labelled.metadata.labels).toEqual({ tier: 'gold' });
    expect(labelled.metadata.generation).toBe(before.metadata.generation);
    expect(labelled.status?.observedGeneration).toBe(99);

    const specPatch = (await custom.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: [{ op: 'replace', path: '/spec/model/horizon', value: 12 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    )) as ForecastLike;
    expect(specPatch.spec.model.horizon).toBe(12);
    expect(specPatch.metadata.generation).toBe(before.metadata.generation + 1);
  });

  it('returns 422 Invalid with one cause per field, worded like the apiserver', async () => {
    const body = forecast('eth', 'eth', {});
    (body.spec as Record<string, unknown>).model = { window: 2, quantiles: [] };
    (body.spec as Record<string, unknown>).promotion = { policy: 'Sometimes' };
    const invalid = await statusOf(() => custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, body }));
    expect(invalid.code).toBe(422);
    expect(invalid.reason).toBe('Invalid');
    expect(invalid.details?.causes?.map((c) => `${c.field}: ${c.message}`)).toEqual([
      `spec.market.symbol: Invalid value: "eth": spec.market.symbol in body should match '^[A-Z0-9]+/[A-Z0-9]+$'`,
      'spec.model.window: Invalid value: 2: spec.model.window in body should be greater than or equal to 8',
      'spec.model.quantiles: Invalid value: 0: spec.model.quantiles in body should have at least 1 items',
      'spec.promotion.policy: Unsupported value: "Sometimes": supported values: "Always", "BeatBaseline", "Manual"',
    ]);
    expect(invalid.message).toMatch(/^Forecast\.fake\.makeusrich\.io "eth" is invalid: \[spec\.market\.symbol: Invalid value/);

    const immutable = await statusOf(() =>
      custom.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: { spec: { market: { symbol: 'BTC/EUR' } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(immutable.message).toBe('Forecast.fake.makeusrich.io "btc" is invalid: spec.market.symbol: Invalid value: "string": symbol is immutable');

    const badName = await statusOf(() => custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, body: forecast('BTC_USDT') }));
    expect(badName.details?.causes?.[0]?.field).toBe('metadata.name');
  });

  it('refuses strategic merge patches on custom resources with 415, as the real apiserver does', async () => {
    const status = await statusOf(() =>
      custom.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, name: 'btc', body: { spec: {} } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(status).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
  });

  it('serves generateName, label selectors, field selectors and pages', async () => {
    for (const [i, tier] of ['gold', 'silver', 'bronze'].entries()) {
      await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, body: forecast('', `C${i}/USDT`, { generateName: 'coin-', labels: { tier, batch: 'b1' } }) });
    }
    const list = async (params: Record<string, string | number>) =>
      ((await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NS, plural: PLURAL, ...params })) as { items: ForecastLike[]; metadata: { continue?: string; remainingItemCount?: number } });
    const generated = (await list({ labelSelector: 'batch=b1' })).items;
    expect(generated).toHaveLength(3);
    for (const item of generated) expect(item.metadata.name).toMatch(/^coin-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect((await list({ labelSelector: 'tier in (gold,silver),batch' })).items).toHaveLength(2);
    expect((await list({ labelSelector: 'tier notin (gold)' })).items.map((i) => i.metadata.labels?.tier).sort()).toEqual(['bronze', 'silver']);
    expect((await list({ labelSelector: 'tier!=gold,!missing' })).items.map((i) => i.metadata.name)).not.toContain('btc');
    expect((await list({ labelSelector: 'tier==gold' })).items).toHaveLength(2);
    expect((await list({ fieldSelector: 'metadata.name=btc' })).items.map((i) => i.metadata.name)).toEqual(['btc']);

    const first = await list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata.remainingItemCount).toBe(2);
    const second = await list({ limit: 2, _continue: first.metadata.continue ?? '' });
    expect([...first.items, ...second.items].map((i) => i.metadata.name)).toEqual([...generated.map((g) => g.metadata.name), 'btc'].sort());
    expect(second.metadata.continue).toBeUndefined();

    const all = (await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as { items: ForecastLike[] };
    expect(all.items).toHaveLength(4);
  });

  it('runs Jobs, Pods and Deployments with the server-side defaults the operator relies on', async () => {
    const batch = fake.kubeConfig.makeApiClient(BatchV1Api);
    const job = await batch.createNamespacedJob({
      namespace: NS,
      body: { metadata: { name: 'btc-run-1-train' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'trainer', image: 'mur/trainer:1' }] } } } },
    });
    const uid = job.metadata?.uid ?? '';
    expect(job.spec?.selector?.matchLabels).toEqual({ 'batch.kubernetes.io/controller-uid': uid });
    expect(job.spec?.template.metadata?.labels).toMatchObject({ 'job-name': 'btc-run-1-train', 'batch.kubernetes.io/job-name': 'btc-run-1-train', 'controller-uid': uid });
    expect(job.spec?.backoffLimit).toBe(6);
    expect(job.status).toEqual({});

    const badJob = await statusOf(() => batch.createNamespacedJob({ namespace: NS, body: { metadata: { name: 'bad' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } } }));
    expect(badJob.message).toBe('Job.batch "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');

    const immutableTemplate = { ...job, spec: { ...job.spec, template: { ...job.spec?.template, spec: { ...job.spec?.template.spec, containers: [{ name: 'trainer', image: 'mur/trainer:2' }] } } } };
    const refused = await statusOf(() => batch.replaceNamespacedJob({ name: 'btc-run-1-train', namespace: NS, body: immutableTemplate as never }));
    expect(refused.details?.causes?.[0]?.field).toBe('spec.template');

    const finished = await batch.replaceNamespacedJobStatus({ name: 'btc-run-1-train', namespace: NS, body: { ...job, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } } });
    expect(finished.status?.succeeded).toBe(1);

    fake.store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'btc-run-1-train-x7k2p', namespace: NS, labels: { 'job-name': 'btc-run-1-train' } },
      spec: { containers: [{ name: 'trainer', image: 'mur/trainer:1' }] },
      status: { phase: 'Succeeded', containerStatuses: [{ name: 'trainer', state: { terminated: { exitCode: 0, message: '{"uri":"s3://b/markets/btc/run-1/"}' } } }] },
    });
    await core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'unrelated', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } });
    const pods = await core.listNamespacedPod({ namespace: NS, labelSelector: 'job-name=btc-run-1-train' });
    expect(pods.items.map((p) => p.status?.containerStatuses?.[0]?.state?.terminated?.message)).toEqual(['{"uri":"s3://b/markets/btc/run-1/"}']);
    const created = await core.readNamespacedPod({ name: 'unrelated', namespace: NS });
    expect(created.status?.phase).toBe('Pending');
    expect(created.spec?.containers[0]?.terminationMessagePath).toBe('/dev/termination-log');

    const apps = fake.kubeConfig.makeApiClient(AppsV1Api);
    const deployment = await apps.createNamespacedDeployment({
      namespace: NS,
      body: { metadata: { name: 'btc-server' }, spec: { selector: { matchLabels: { app: 'btc' } }, template: { metadata: { labels: { app: 'btc' } }, spec: { containers: [{ name: 'server', image: 'mur/server:1' }] } } } },
    });
    expect(deployment.spec?.replicas).toBe(1);
    const scaled = await apps.patchNamespacedDeployment(
      { name: 'btc-server', namespace: NS, body: { spec: { replicas: 2, template: { spec: { containers: [{ name: 'server', image: 'mur/server:2' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(scaled.spec?.replicas).toBe(2);
    expect(scaled.spec?.template.spec?.containers.map((c) => [c.name, c.image, c.terminationMessagePolicy])).toEqual([['server', 'mur/server:2', 'File']]);
    expect(scaled.metadata?.generation).toBe(2);
    const ready = await apps.replaceNamespacedDeploymentStatus({ name: 'btc-server', namespace: NS, body: { ...scaled, status: { readyReplicas: 2, availableReplicas: 2 } } });
    expect(ready.status?.availableReplicas).toBe(2);
    expect(ready.metadata?.generation).toBe(2);
  });

  it('folds Secret stringData, and serves one Event store through core/v1 and events.k8s.io/v1', async () => {
    const secret = await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'api-token' }, stringData: { token: 's3cret' } } });
    expect(secret.data).toEqual({ token: Buffer.from('s3cret').toString('base64') });
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toBeUndefined();

    const events = fake.kubeConfig.makeApiClient(EventsV1Api);
    await events.createNamespacedEvent({
      namespace: NS,
      body: {
        metadata: { name: 'btc.1' },
        eventTime: new Date('2025-01-01T00:00:00Z'),
        reportingController: 'makeusrich.io/operator',
        reportingInstance: 'operator-0',
        action: 'Train',
        reason: 'TrainingStarted',
        type: 'Normal',
        note: 'started run btc-run-1',
        regarding: { kind: 'Forecast', name: 'btc', namespace: NS },
      },
    });
    const coreEvents = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=btc' });
    expect(coreEvents.items.map((e) => [e.reason, e.message, e.reportingComponent])).toEqual([['TrainingStarted', 'started run btc-run-1', 'makeusrich.io/operator']]);
    const v1Events = await events.listNamespacedEvent({ namespace: NS });
    expect(v1Events.items.map((e) => e.note)).toEqual(['started run btc-run-1']);
    const incomplete = await statusOf(() => events.createNamespacedEvent({ namespace: NS, body: { metadata: { name: 'x' }, type: 'Normal', reason: 'R' } as never }));
    expect(incomplete.details?.causes?.map((c) => c.field)).toEqual(['eventTime', 'reportingController', 'reportingInstance', 'action']);
  });

  it('supports KubernetesObjectApi with server-side apply creating and then merging', async () => {
    const objects = KubernetesObjectApi.makeApiClient(fake.kubeConfig);
    const applied = { apiVersion: `${GROUP}/${VERSION}`, kind: 'Forecast', metadata: { name: 'sol', namespace: NS }, spec: { market: { exchange: 'kraken', symbol: 'SOL/USD' } } };
    const ssa = PatchStrategy.ServerSideApply;
    const created = (await objects.patch(applied, undefined, undefined, 'mur-operator', true, ssa)) as unknown as ForecastLike;
    expect(created.spec.model.window).toBe(72);
    const merged = (await objects.patch({ ...applied, spec: { ...applied.spec, model: { window: 48 } } } as never, undefined, undefined, 'mur-operator', true, ssa)) as unknown as ForecastLike;
    expect(merged.spec.model).toEqual({ window: 48, horizon: 24, quantiles: [0.1, 0.5, 0.9] });
    expect(merged.metadata.generation).toBe(2);
    const read = (await objects.read({ apiVersion: applied.apiVersion, kind: 'Forecast', metadata: { name: 'sol', namespace: NS } })) as unknown as ForecastLike;
    expect(read.metadata.uid).toBe(created.metadata.uid);
    await objects.delete({ apiVersion: applied.apiVersion, kind: 'Forecast', metadata: { name: 'sol', namespace: NS } });
    expect(fake.store.get({ apiVersion: applied.apiVersion, kind: 'Forecast', namespace: NS, name: 'sol' })).toBeUndefined();
  });

  it('counts requests by verb and resource', () => {
    const stats = fake.stats.snapshot();
    expect(stats.byResource['forecasts.fake.makeusrich.io']?.create).toBeGreaterThanOrEqual(5);
    expect(stats.byResource['forecasts.fake.makeusrich.io/status']?.update).toBe(1);
    expect(stats.byResource['jobs.batch']?.create).toBe(2);
    expect(stats.byVerb.list).toBeGreaterThan(0);
    fake.stats.reset();
    expect(fake.stats.snapshot().total).toBe(0);
  });
});
