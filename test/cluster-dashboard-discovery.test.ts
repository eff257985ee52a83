/**
 * The dashboard finding its forecast services on the real control plane: ForecastModels whose status (set here
 * as the operator would) points at two real inference services on loopback, the dashboard's own process
 * (dashboard/src/main.ts) watching them as a ServiceAccount bound to exactly the chart's dashboard RBAC rules,
 * and Debian's Chromium showing both pairs in the picker with readiness and model version, and a forecast.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startInferenceUpstream, type InferenceUpstream } from './support/inference-upstream.ts';
import { createKubeRest, isApiStatus } from '../operator/kube/rest-client.ts';
import { serviceAccountToken } from '../local-cluster/bootstrap.ts';
import { tokenKubeconfig } from '../local-cluster/control-plane.ts';
import { preparedRuntime } from '../local-cluster/kubelet/prepared-runtime.ts';
import { CHROMIUM, chromiumAvailable, launchChromium } from './support/chromium.ts';
import { startClusterHarness, type ClusterHarness } from './support/cluster-harness.ts';
import { startDashboardProcess } from './support/dashboard-process.ts';
import { locateHelm, runHelm } from '../local-cluster/helm.ts';

const root = join(import.meta.dirname, '..');
const SCREENSHOT = '/tmp/dashboard-discovery.png';
const GROUP_VERSION = 'forecasting.makeusrich.io/v1alpha1';
const SERVICE_ACCOUNT = 'dashboard';
const helm = locateHelm();
if (!helm.available) throw new Error(`the real helm renders the dashboard's RBAC for this test: ${helm.reason}`);
const browser = chromiumAvailable;

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The rules of the chart's dashboard ClusterRole, as `helm template` renders them. */
async function chartDashboardRules(stateDir: string): Promise<PolicyRule[]> {
  const result = await runHelm(helm.available ? helm.path : '', ['template', 'mur', join(root, 'charts/make-us-rich'), '-n', 'mur', '-f', join(root, 'charts/make-us-rich/ci/default-values.yaml')], { stateDir });
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  const objects = parseAllDocuments(result.stdout).map((d) => d.toJS() as { kind?: string; metadata?: { name: string }; rules?: PolicyRule[] } | null);
  const role = objects.find((o) => o?.kind === 'ClusterRole' && o.metadata?.name === 'mur-make-us-rich-dashboard');
  if (!role?.rules) throw new Error('the chart renders no dashboard ClusterRole');
  return role.rules;
}

/** Status as the operator writes it for a served model. */
function servedStatus(endpoint: string, version: string): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    conditions: [{ type: 'Ready', status: 'True', reason: 'Available', message: `serving ${version}`, lastTransitionTime: now }],
    model: { version, uri: `s3://artifacts/${version}/`, trainingRun: version, trainedAt: now, mase: 0.97, maseStep1: 0.95, naiveMase: 1, skillVsNaive: 0.03, coverage: 0.78, winkler: 212.5, directionalAccuracy: 0.53 },
    endpoint,
  };
}


interface TargetSummary {
  name: string;
  ready?: boolean;
  modelVersion?: string;
  reason?: string;
  symbol?: string;
}

describe('the dashboard discovers ForecastModels on the real control plane', () => {
  let h: ClusterHarness;
  let btc: InferenceUpstream;
  let eth: InferenceUpstream;
  let scratch: string;
  let dashboard: { child: ChildProcess; url: string; output: () => string } | undefined;
  let kubeconfigPath: string;
  let rules: PolicyRule[];

  const targets = async (): Promise<TargetSummary[]> => ((await (await fetch(`${dashboard!.url}api/targets`)).json()) as { targets: TargetSummary[] }).targets;
  const fmPath = (name?: string) => `/apis/${GROUP_VERSION}/namespaces/${h.namespace}/forecastmodels${name ? `/${name}` : ''}`;
  const forecastModel = (name: string, symbol: string) => ({
    apiVersion: GROUP_VERSION,
    kind: 'ForecastModel',
    metadata: { name, namespace: h.namespace },
    spec: { market: { exchange: 'binance', symbol, timeframe: '1h', lookback: 400 }, model: { window: 48, horizon: 12, units: 8, epochs: 2 } },
  });

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'dashboard-discovery-'));
    rules = await chartDashboardRules(scratch);
    [btc, eth] = await Promise.all([startInferenceUpstream({ version: 'btc-usdt-run-7' }), startInferenceUpstream({ version: 'eth-usdt-run-3', symbol: 'ETH/USDT' })]);
    // No operator and no Pods: the test plays the operator's part by writing the ForecastModels' status.
    h = await startClusterHarness({ runtime: preparedRuntime(() => ({ exitCode: 0 })), secrets: false });
    await h.apply(forecastModel('btc-usdt', 'BTC/USDT'));
    await h.apply(forecastModel('eth-usdt', 'ETH/USDT'));
    await h.apply(forecastModel('sol-usdt', 'SOL/USDT'));
    await h.admin.patch(`${fmPath('btc-usdt')}/status`, { status: servedStatus(btc.url, 'btc-usdt-run-7') }, 'merge');
    await h.admin.patch(`${fmPath('eth-usdt')}/status`, { status: servedStatus(eth.url, 'eth-usdt-run-3') }, 'merge');

    // The dashboard's identity: a ServiceAccount with exactly the chart's rules, in this namespace only.
    await h.admin.create(`/api/v1/namespaces/${h.namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT } });
    await h.admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${h.namespace}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: SERVICE_ACCOUNT }, rules });
    await h.admin.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${h.namespace}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: SERVICE_ACCOUNT },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SERVICE_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: h.namespace }],
    });
    const token = await serviceAccountToken(h.admin, h.namespace, SERVICE_ACCOUNT);
    kubeconfigPath = join(scratch, 'kubeconfig');
    await writeFile(kubeconfigPath, tokenKubeconfig(h.cluster.server, h.cluster.caPem, token, SERVICE_ACCOUNT), { mode: 0o600 });
    // The API-token Secret as mounted files: one file per token name.
    await writeFile(join(scratch, 'default'), `${btc.token}\n`);

    dashboard = await startDashboardProcess({
      KUBECONFIG: kubeconfigPath,
      DASHBOARD_DISCOVERY_NAMESPACES: h.namespace,
      DASHBOARD_TOKEN_FILE: join(scratch, 'default'),
      // A hand-written target next to the discovered ones: a service outside the cluster.
      DASHBOARD_TARGETS: JSON.stringify([{ name: 'outside', url: btc.url }]),
      LOG_LEVEL: 'info',
    });
  });

  afterAll(async () => {
    if (dashboard) {
      const exited = new Promise((resolve) => dashboard!.child.once('exit', resolve));
      dashboard.child.kill('SIGTERM');
      await exited;
    }
    await h?.close();
    await Promise.all([btc?.close(), eth?.close()]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('binds the dashboard to the chart\'s read-only rules: forecastmodels get, list and watch, nothing else', async () => {
    expect(rules).toEqual([{ apiGroups: ['forecasting.makeusrich.io'], resources: ['forecastmodels'], verbs: ['get', 'list', 'watch'] }]);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    const asDashboard = createKubeRest(kubeConfig);
    const refused = (path: string) => asDashboard.list(path).then(() => false, (error: unknown) => isApiStatus(error, 403));
    expect(await refused(`/api/v1/namespaces/${h.namespace}/secrets`)).toBe(true);
    expect(await refused(`/apis/${GROUP_VERSION}/namespaces/${h.namespace}/trainingruns`)).toBe(true);
    expect(await refused(`/apis/${GROUP_VERSION}/forecastmodels`)).toBe(true);
    await expect(asDashboard.patch(fmPath('btc-usdt'), { metadata: { labels: { touched: 'yes' } } }, 'merge')).rejects.toSatisfy((error: unknown) => isApiStatus(error, 403));
  });

  it('lists every ForecastModel with its readiness and model version, after the hand-written target', async () => {
    const listed = await h.waitFor('three ForecastModels in /api/targets', async () => {
      const all = await targets();
      return all.length === 4 && all.every((t) => t.name === 'outside' || t.modelVersion || t.name.startsWith('sol-usdt')) ? all : undefined;
    });
    expect(listed).toEqual([
      { name: 'outside' },
      { name: `btc-usdt.${h.namespace}`, namespace: h.namespace, forecastModel: 'btc-usdt', ready: true, modelVersion: 'btc-usdt-run-7', symbol: 'BTC/USDT', exchange: 'binance', timeframe: '1h' },
      { name: `eth-usdt.${h.namespace}`, namespace: h.namespace, forecastModel: 'eth-usdt', ready: true, modelVersion: 'eth-usdt-run-3', symbol: 'ETH/USDT', exchange: 'binance', timeframe: '1h' },
      { name: `sol-usdt.${h.namespace}`, namespace: h.namespace, forecastModel: 'sol-usdt', ready: false, reason: 'no endpoint yet (status.endpoint is empty)', symbol: 'SOL/USDT', exchange: 'binance', timeframe: '1h' },
    ]);
    const sol = await fetch(`${dashboard!.url}api/sol-usdt.${h.namespace}/forecast`);
    expect(sol.status).toBe(503);
    expect(await sol.json()).toMatchObject({ code: 'target_not_ready', target: `sol-usdt.${h.namespace}` });
    const eth = (await (await fetch(`${dashboard!.url}api/eth-usdt.${h.namespace}/forecast`)).json()) as { symbol: string; modelVersion: string };
    expect(eth).toMatchObject({ symbol: 'ETH/USDT', modelVersion: 'eth-usdt-run-3' });
  });

  it('follows the watch: a status change shows without a restart', async () => {
    const training = { conditions: [{ type: 'Ready', status: 'False', reason: 'Training', message: 'first training run', lastTransitionTime: new Date().toISOString() }], endpoint: 'http://127.0.0.1:9' };
    await h.admin.patch(`${fmPath('sol-usdt')}/status`, { status: training }, 'merge');
    const sol = await h.waitFor('sol-usdt training', async () => (await targets()).find((t) => t.name === `sol-usdt.${h.namespace}` && t.reason !== 'no endpoint yet (status.endpoint is empty)'), 15_000);
    expect(sol).toMatchObject({ ready: false, reason: 'Training: first training run' });
  });

  describe.skipIf(!browser)(browser ? 'in Chromium' : `in Chromium (SKIPPED: ${CHROMIUM} is not installed; apt-get install chromium)`, () => {
    let context: BrowserContext;
    let page: Page;
    let userDataDir: string;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      userDataDir = await mkdtemp(join(tmpdir(), 'dashboard-chromium-'));
      context = await launchChromium(userDataDir);
      page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('response', (response) => {
        if (response.status() >= 400) pageErrors.push(`HTTP ${response.status()} ${response.url()}`);
      });
    });
    afterAll(async () => {
      await context?.close();
      if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    });

    it('shows both pairs in the picker with readiness and model version, and the forecast of the one picked', async () => {
      await page.goto(dashboard!.url);
      await expect.poll(() => page.locator('#target option').count(), { timeout: 20_000 }).toBe(4);
      const options = await page.locator('#target option').evaluateAll((list) => list.map((o) => ({ value: (o as unknown as { value: string }).value, label: o.textContent })));
      expect(options).toEqual([
        { value: 'outside', label: 'outside' },
        { value: `btc-usdt.${h.namespace}`, label: `BTC/USDT 1h — ${h.namespace}/btc-usdt · ready · model btc-usdt-run-7` },
        { value: `eth-usdt.${h.namespace}`, label: `ETH/USDT 1h — ${h.namespace}/eth-usdt · ready · model eth-usdt-run-3` },
        { value: `sol-usdt.${h.namespace}`, label: `SOL/USDT 1h — ${h.namespace}/sol-usdt · not ready · no model yet` },
      ]);
      expect(await page.locator('#target optgroup').evaluateAll((groups) => groups.map((g) => (g as unknown as { label: string }).label))).toEqual(['Configured', 'ForecastModels in the cluster']);

      await page.locator('#target').selectOption(`eth-usdt.${h.namespace}`);
      await expect.poll(() => page.locator('#model-version').textContent(), { timeout: 20_000 }).toBe('eth-usdt-run-3');
      await expect.poll(() => page.locator('#pair').textContent()).toBe('ETH/USDT on binance · 1h candles');
      expect(await page.locator('#target-state').textContent()).toBe('Ready, serving model eth-usdt-run-3.');
      await page.locator('#forecast-table tbody tr').nth(11).waitFor({ state: 'attached', timeout: 20_000 });
      expect(await page.locator('#forecast-table tbody tr').count()).toBe(12);
      await page.locator('#chart canvas').first().waitFor({ timeout: 20_000 });
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      await page.locator('#target').selectOption(`btc-usdt.${h.namespace}`);
      await expect.poll(() => page.locator('#model-version').textContent(), { timeout: 20_000 }).toBe('btc-usdt-run-7');
      expect(new URL(page.url()).searchParams.get('target')).toBe(`btc-usdt.${h.namespace}`);
      expect(await page.content()).not.toContain(btc.token);
      expect(pageErrors).toEqual([]);
    });

    it('names what a ForecastModel that is not ready is waiting for', async () => {
      await page.locator('#target').selectOption(`sol-usdt.${h.namespace}`);
      await expect.poll(() => page.locator('#target-state').textContent()).toBe('Not ready: Training: first training run.');
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toContain(`target "sol-usdt.${h.namespace}" is unreachable`);
      expect(await page.locator('#model-version').textContent()).toBe('—');
    });
  });

  it('drops a deleted ForecastModel, and was never refused by the API server', async () => {
    await h.admin.delete(fmPath('sol-usdt'));
    await h.waitFor('sol-usdt gone', async () => !(await targets()).some((t) => t.name.startsWith('sol-usdt')), 15_000);
    expect(dashboard!.output()).not.toContain('listing or watching ForecastModels failed');
  });
});
