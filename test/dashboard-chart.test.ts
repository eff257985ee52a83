// The dashboard objects of the make-us-rich chart, rendered by the real helm and checked against what
// dashboard/src/config.ts accepts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseDashboardConfig } from '../dashboard/src/config.ts';
import { locateHelm, runHelm } from './support/helm.ts';

const root = join(import.meta.dirname, '..');
const chartDir = join(root, 'charts/make-us-rich');
const helm = locateHelm();
const suiteName = helm.available ? `the dashboard in the make-us-rich chart (helm ${helm.version})` : `the dashboard in the make-us-rich chart (SKIPPED: ${helm.reason})`;
const NAMESPACE = 'make-us-rich';
const DASHBOARD = 'make-us-rich-dashboard';
const TARGETS = [
  { name: 'btc-usdt', url: 'http://btc-usdt.markets.svc:8080' },
  { name: 'eth-usdt', url: 'http://eth-usdt.research.svc:8080' },
];

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: any;
}

describe.skipIf(!helm.available)(suiteName, () => {
  let stateDir: string;

  const helmTemplate = async (...args: string[]) =>
    runHelm(helm.available ? helm.path : '', ['template', 'make-us-rich', chartDir, '-n', NAMESPACE, '-f', join(chartDir, 'ci', 'default-values.yaml'), ...args], { stateDir });

  const render = async (...args: string[]): Promise<Rendered[]> => {
    const result = await helmTemplate(...args);
    if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    return parseAllDocuments(result.stdout).map((d) => d.toJS() as Rendered | null).filter((o): o is Rendered => o !== null);
  };
  const find = (objects: Rendered[], kind: string, name = DASHBOARD) => objects.filter((o) => o.kind === kind && o.metadata.name === name);
  const one = (objects: Rendered[], kind: string, name = DASHBOARD): Rendered => {
    const found = find(objects, kind, name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0]!;
  };
  const envOf = (deployment: Rendered): Record<string, string> =>
    Object.fromEntries((deployment.spec.template.spec.containers[0].env as { name: string; value: string }[]).map((v) => [v.name, v.value]));

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'dashboard-chart-'));
  });
  afterAll(async () => {
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  describe('with targets set', () => {
    let objects: Rendered[];
    beforeAll(async () => {
      objects = await render('--set-json', `dashboard.targets=${JSON.stringify(TARGETS)}`);
    });

    it('gives the dashboard an environment its config parser accepts, with the token file the Secret volume provides', () => {
      const deployment = one(objects, 'Deployment');
      expect(deployment.metadata.namespace).toBe(NAMESPACE);
      const config = parseDashboardConfig(envOf(deployment));
      const tokenFile = '/var/run/secrets/makeusrich/dashboard/token';
      expect(config).toEqual({
        targets: TARGETS.map((target) => ({ ...target, tokenFile })),
        host: '0.0.0.0',
        port: 8090,
        upstreamTimeoutMs: 5_000,
        tokenReloadMs: 10_000,
        logLevel: 'info',
      });
      const pod = deployment.spec.template.spec;
      const container = pod.containers[0];
      expect(container.ports).toEqual([{ name: 'http', containerPort: config.port, protocol: 'TCP' }]);
      expect(container.volumeMounts).toContainEqual({ name: 'api-token', mountPath: dirname(tokenFile), readOnly: true });
      expect(pod.volumes).toContainEqual({
        name: 'api-token',
        secret: { secretName: 'mur-api-tokens', optional: true, defaultMode: 0o440, items: [{ key: 'default', path: 'token' }] },
      });
    });

    it('runs the dashboard image under the restricted Pod Security Standard, without a ServiceAccount token', () => {
      const pod = one(objects, 'Deployment').spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      const container = pod.containers[0];
      expect(container.image).toBe('make-us-rich/dashboard:0.1.0');
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    });

    it('puts a Service in front of the dashboard pods only, not the operator pods', () => {
      const service = one(objects, 'Service');
      expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
      const selects = (labels: Record<string, string>) => Object.entries(service.spec.selector as Record<string, string>).every(([key, value]) => labels[key] === value);
      expect(selects(one(objects, 'Deployment').spec.template.metadata.labels)).toBe(true);
      expect(selects(one(objects, 'Deployment', 'make-us-rich-operator').spec.template.metadata.labels)).toBe(false);
      expect(one(objects, 'Service', 'make-us-rich-operator').spec.selector).not.toMatchObject({ 'app.kubernetes.io/component': 'dashboard' });
      expect(find(objects, 'Ingress')).toEqual([]);
    });
  });

  it('deploys a dashboard by default, and none with dashboard.enabled=false', async () => {
    const defaults = await render();
    expect(parseDashboardConfig(envOf(one(defaults, 'Deployment'))).targets).toEqual([]);
    const disabled = await render('--set', 'dashboard.enabled=false');
    expect(disabled.filter((o) => o.metadata.name.endsWith('-dashboard'))).toEqual([]);
  });

  it('reads the token from the Secret and key named in dashboard.token, or the existing API-token Secret', async () => {
    const named = await render('--set', 'dashboard.token.secretName=dashboard-token,dashboard.token.key=readonly');
    expect(one(named, 'Deployment').spec.template.spec.volumes).toContainEqual({
      name: 'api-token',
      secret: { secretName: 'dashboard-token', optional: true, defaultMode: 0o440, items: [{ key: 'readonly', path: 'token' }] },
    });
    const existing = await render('-f', join(chartDir, 'ci', 'existing-secrets-values.yaml'));
    expect(one(existing, 'Deployment').spec.template.spec.volumes).toContainEqual(expect.objectContaining({ secret: expect.objectContaining({ secretName: 'forecast-api-tokens' }) }));
  });

  it('renders an Ingress with TLS when asked, and needs its host', async () => {
    const objects = await render('--set', 'dashboard.ingress.enabled=true,dashboard.ingress.host=forecasts.example.com,dashboard.ingress.tlsSecretName=forecasts-tls,dashboard.ingress.className=nginx');
    const ingress = one(objects, 'Ingress');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['forecasts.example.com'], secretName: 'forecasts-tls' }],
      rules: [{ host: 'forecasts.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: DASHBOARD, port: { name: 'http' } } } }] } }],
    });
    const missingHost = await helmTemplate('--set', 'dashboard.ingress.enabled=true');
    expect(missingHost.code).not.toBe(0);
    expect(missingHost.stderr).toContain('dashboard.ingress.enabled needs dashboard.ingress.host');
  });

  it('refuses a malformed target at install time, naming it', async () => {
    const badUrl = await helmTemplate('--set-json', 'dashboard.targets=[{"name":"btc","url":"btc-usdt.markets.svc:8080"}]');
    expect(badUrl.code).not.toBe(0);
    expect(badUrl.stderr).toContain("at '/dashboard/targets/0/url'");
    const tokenInValues = await helmTemplate('--set-json', 'dashboard.targets=[{"name":"btc","url":"http://btc:8080","token":"abc"}]');
    expect(tokenInValues.code).not.toBe(0);
    expect(tokenInValues.stderr).toContain("additional properties 'token' not allowed");
  });
});
