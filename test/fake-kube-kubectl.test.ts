import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startFakeKubeApiServer, type FakeKubeApiServer, type KubeObject } from './fake-kube/index.ts';
import { sampleForecastCrd } from './fake-kube/sample-crd.ts';

const kubectlFound = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const suiteName = kubectlFound
  ? 'the real kubectl against the fake apiserver'
  : 'the real kubectl against the fake apiserver (SKIPPED: no kubectl binary on PATH)';

interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!kubectlFound)(suiteName, () => {
  let fake: FakeKubeApiServer;
  let workDir: string;
  let now = new Date('2025-03-01T12:00:00Z');

  const kubectl = (...args: string[]): Promise<KubectlResult> =>
    new Promise((resolve) => {
      execFile('kubectl', [...args, '--request-timeout=20s'], { env: { ...process.env, ...fake.kubectlEnv }, timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  const manifest = async (name: string, yaml: string): Promise<string> => {
    const path = join(workDir, name);
    await writeFile(path, yaml);
    return path;
  };

  const forecastYaml = (window: number, symbol = 'BTC/USDT') => `apiVersion: fake.makeusrich.io/v1alpha1
kind: Forecast
metadata:
  name: btc
  namespace: markets
spec:
  market: { exchange: binance, symbol: ${symbol} }
  model: { window: ${window} }
`;

  beforeAll(async () => {
    fake = await startFakeKubeApiServer({ crds: [sampleForecastCrd()], clock: { now: () => now } });
    workDir = await mkdtemp(join(tmpdir(), 'fake-kube-kubectl-'));
    fake.store.ensureNamespace('markets');
  });
  afterAll(async () => {
    await fake?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('creates and then configures a custom resource with kubectl apply -f', async () => {
    const created = await kubectl('apply', '-f', await manifest('btc.yaml', forecastYaml(48)));
    expect(created).toMatchObject({ code: 0, stdout: 'forecast.fake.makeusrich.io/btc created\n' });
    const stored = fake.store.get({ apiVersion: 'fake.makeusrich.io/v1alpha1', kind: 'Forecast', namespace: 'markets', name: 'btc' });
    expect(stored?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"window":48');
    expect((stored?.spec as { model: unknown }).model).toEqual({ window: 48, horizon: 24, quantiles: [0.1, 0.5, 0.9] });

    const configured = await kubectl('apply', '-f', await manifest('btc.yaml', forecastYaml(96)));
    expect(configured).toMatchObject({ code: 0, stdout: 'forecast.fake.makeusrich.io/btc configured\n' });
    const unchanged = await kubectl('apply', '-f', await manifest('btc.yaml', forecastYaml(96)));
    expect(unchanged.stdout).toBe('forecast.fake.makeusrich.io/btc unchanged\n');
    const updated = fake.store.get({ apiVersion: 'fake.makeusrich.io/v1alpha1', kind: 'Forecast', namespace: 'markets', name: 'btc' });
    expect(updated?.metadata.generation).toBe(2);
  });

  it('shows the printer columns for the short name and the category', async () => {
    const current = fake.store.get({ apiVersion: 'fake.makeusrich.io/v1alpha1', kind: 'Forecast', namespace: 'markets', name: 'btc' }) as KubeObject;
    fake.store.put({ ...current, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    now = new Date('2025-03-01T13:30:00Z');
    const table = await kubectl('get', 'fc', '-n', 'markets');
    expect(table.code).toBe(0);
    const [header, row, ...rest] = table.stdout.trimEnd().split('\n').map((line) => line.trim().split(/\s+/));
    expect(header).toEqual(['NAME', 'SYMBOL', 'WINDOW', 'READY', 'AGE']);
    expect(row).toEqual(['btc', 'BTC/USDT', '96', 'True', '90m']);
    expect(rest).toEqual([]);

    const byCategory = await kubectl('get', 'makeusrich', '--all-namespaces');
    expect(byCategory.stdout.split('\n')[1]?.trim().split(/\s+/)).toEqual(['markets', 'btc', 'BTC/USDT', '96', 'True', '90m']);
  });

  it('prints the stored object with -o yaml', async () => {
    const result = await kubectl('get', 'forecast', 'btc', '-n', 'markets', '-o', 'yaml');
    expect(result.code).toBe(0);
    const object = parseYaml(result.stdout) as KubeObject;
    expect(object).toMatchObject({
      apiVersion: 'fake.makeusrich.io/v1alpha1',
      kind: 'Forecast',
      metadata: { name: 'btc', namespace: 'markets', generation: 2, creationTimestamp: '2025-03-01T12:00:00Z' },
      spec: { market: { exchange: 'binance', symbol: 'BTC/USDT' }, model: { window: 96 } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const list = parseYaml((await kubectl('get', 'fc', '-A', '-o', 'yaml')).stdout) as { kind: string; items: KubeObject[] };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['btc']);
  });

  it('surfaces validation and immutability errors from the server', async () => {
    const invalid = await kubectl('apply', '-f', await manifest('bad.yaml', forecastYaml(2).replace('name: btc', 'name: eth')));
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('spec.model.window: Invalid value: 2: spec.model.window in body should be greater than or equal to 8');
    const immutable = await kubectl('apply', '-f', await manifest('btc.yaml', forecastYaml(96, 'BTC/EUR')));
    expect(immutable.code).not.toBe(0);
    expect(immutable.stderr).toContain('spec.market.symbol: Invalid value: "string": symbol is immutable');
    const unknownField = await kubectl('apply', '-f', await manifest('typo.yaml', forecastYaml(96).replace('model:', 'modle:')));
    expect(unknownField.stderr).toContain('strict decoding error: unknown field "spec.modle"');
  });

  it('applies built-in kinds and lists them by label', async () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: btc-server, namespace: markets, labels: { app.kubernetes.io/name: btc } }
spec:
  selector: { matchLabels: { app: btc } }
  template:
    metadata: { labels: { app: btc } }
    spec:
      containers:
        - { name: server, image: "mur/server:1", env: [{ name: A, value: "1" }, { name: B, value: "2" }] }
`;
    expect((await kubectl('apply', '-f', await manifest('deploy.yaml', deployment))).code).toBe(0);
    const changed = deployment.replace('value: "2"', 'value: "3"').replace('mur/server:1', 'mur/server:2');
    expect((await kubectl('apply', '-f', await manifest('deploy.yaml', changed))).stdout).toBe('deployment.apps/btc-server configured\n');
    const stored = fake.store.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'markets', name: 'btc-server' }) as KubeObject & {
      spec: { template: { spec: { containers: { image: string; env: unknown[] }[] } } };
    };
    expect(stored.spec.template.spec.containers.map((c) => [c.image, c.env])).toEqual([['mur/server:2', [{ name: 'A', value: '1' }, { name: 'B', value: '3' }]]]);
    const names = await kubectl('get', 'deploy', '-n', 'markets', '-l', 'app.kubernetes.io/name=btc', '-o', 'name');
    expect(names.stdout).toBe('deployment.apps/btc-server\n');
  });

  it('creates namespaces, secrets and config maps with the protobuf-speaking generators', async () => {
    expect((await kubectl('create', 'namespace', 'scratch')).stdout).toBe('namespace/scratch created\n');
    expect((await kubectl('create', 'secret', 'generic', 'api-token', '-n', 'scratch', '--from-literal=token=s3cret')).code).toBe(0);
    expect((await kubectl('create', 'configmap', 'settings', '-n', 'scratch', '--from-literal=mode=fast')).code).toBe(0);
    const secret = fake.store.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'scratch', name: 'api-token' });
    expect(secret).toMatchObject({ type: 'Opaque', data: { token: Buffer.from('s3cret').toString('base64') } });
    expect(fake.store.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'scratch', name: 'settings' })).toMatchObject({ data: { mode: 'fast' } });
    expect((await kubectl('delete', 'namespace', 'scratch')).stdout).toBe('namespace "scratch" deleted\n');
    expect(fake.store.get({ apiVersion: 'v1', kind: 'Namespace', name: 'scratch' })).toBeUndefined();
  });

  it('deletes with kubectl delete and waits for the object to disappear', async () => {
    const result = await kubectl('delete', 'fc', 'btc', '-n', 'markets');
    expect(result).toMatchObject({ code: 0, stdout: 'forecast.fake.makeusrich.io "btc" deleted\n' });
    expect(fake.store.list({ apiVersion: 'fake.makeusrich.io/v1alpha1', kind: 'Forecast' })).toEqual([]);
    const missing = await kubectl('get', 'fc', 'btc', '-n', 'markets');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('Error from server (NotFound): forecasts.fake.makeusrich.io "btc" not found');
  });
});
