// The dashboard objects of the make-us-rich chart, rendered by the real helm and checked against what
// dashboard/src/config.ts accepts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseDashboardConfig } from '../dashboard/src/config.ts';
import { locateHelm, runHelm } from '../local-cluster/helm.ts';

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
        discovery: { namespaces: 'all', tokenFile },
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

    it('runs the dashboard image under the restricted Pod Security Standard, as its own ServiceAccount', () => {
      const pod = one(objects, 'Deployment').spec.template.spec;
      expect(pod.serviceAccountName).toBe(DASHBOARD);
      expect(one(objects, 'ServiceAccount').metadata.namespace).toBe(NAMESPACE);
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

  describe('discovery of ForecastModels', () => {
    const DISCOVERY_RULES = [{ apiGroups: ['forecasting.makeusrich.io'], resources: ['forecastmodels'], verbs: ['get', 'list', 'watch'] }];
    const rbacOf = (objects: Rendered[]) => objects.filter((o) => ['ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'].includes(o.kind) && o.metadata.name === DASHBOARD);
    const bindingSubject = { kind: 'ServiceAccount', name: DASHBOARD, namespace: NAMESPACE };

    it('by default watches every namespace with exactly get, list and watch on forecastmodels, and mounts the ServiceAccount token', async () => {
      const objects = await render();
      const deployment = one(objects, 'Deployment');
      expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
      expect(envOf(deployment).DASHBOARD_DISCOVERY_NAMESPACES).toBe('*');
      expect(parseDashboardConfig(envOf(deployment)).discovery).toEqual({ namespaces: 'all', tokenFile: '/var/run/secrets/makeusrich/dashboard/token' });
      const rbac = rbacOf(objects);
      expect(rbac.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding']);
      expect((one(objects, 'ClusterRole') as unknown as { rules: unknown }).rules).toEqual(DISCOVERY_RULES);
      const binding = one(objects, 'ClusterRoleBinding') as unknown as { roleRef: unknown; subjects: unknown };
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: DASHBOARD });
      expect(binding.subjects).toEqual([bindingSubject]);
      // Nothing else of the chart's RBAC names the dashboard's ServiceAccount.
      const grants = objects.filter((o) => o.kind.endsWith('Binding') && JSON.stringify((o as unknown as { subjects: unknown }).subjects).includes(DASHBOARD));
      expect(grants.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`ClusterRoleBinding/${DASHBOARD}`]);
    });

    it('follows watchNamespaces with one RoleBinding each, or the namespaces named in dashboard.discovery.namespaces', async () => {
      const watched = await render('--set', 'watchNamespaces={markets,research}');
      expect(envOf(one(watched, 'Deployment')).DASHBOARD_DISCOVERY_NAMESPACES).toBe('markets,research');
      expect(parseDashboardConfig(envOf(one(watched, 'Deployment'))).discovery?.namespaces).toEqual(['markets', 'research']);
      const bindings = rbacOf(watched).filter((o) => o.kind === 'RoleBinding');
      expect(bindings.map((o) => o.metadata.namespace)).toEqual(['markets', 'research']);
      expect(rbacOf(watched).map((o) => o.kind).sort()).toEqual(['ClusterRole', 'RoleBinding', 'RoleBinding']);
      expect((one(watched, 'ClusterRole') as unknown as { rules: unknown }).rules).toEqual(DISCOVERY_RULES);
      for (const binding of bindings) expect((binding as unknown as { subjects: unknown }).subjects).toEqual([bindingSubject]);

      const named = await render('--set', 'watchNamespaces={markets,research},dashboard.discovery.namespaces={markets}');
      expect(envOf(one(named, 'Deployment')).DASHBOARD_DISCOVERY_NAMESPACES).toBe('markets');
      expect(rbacOf(named).filter((o) => o.kind === 'RoleBinding').map((o) => o.metadata.namespace)).toEqual(['markets']);

      const secretsOnly = await render('--set', 'secretNamespaces={markets}');
      expect(envOf(one(secretsOnly, 'Deployment')).DASHBOARD_DISCOVERY_NAMESPACES).toBe(`${NAMESPACE},markets`);
    });

    it('without discovery keeps the ServiceAccount token out of the pod and grants nothing', async () => {
      const objects = await render('--set', 'dashboard.discovery.enabled=false');
      const deployment = one(objects, 'Deployment');
      expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
      expect(envOf(deployment)).not.toHaveProperty('DASHBOARD_DISCOVERY_NAMESPACES');
      expect(rbacOf(objects)).toEqual([]);
      expect(rbacOf(await render('--set', 'rbac.create=false'))).toEqual([]);
    });

    it('refuses a namespace name Kubernetes would refuse', async () => {
      const bad = await helmTemplate('--set', 'dashboard.discovery.namespaces={Markets}');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain("at '/dashboard/discovery/namespaces/0'");
    });
  });

  it('writes the API-token Secret into the release namespace too when watchNamespaces leaves it out, so the dashboard has its token', async () => {
    const tokenSecrets = (objects: Rendered[]) => objects.filter((o) => o.kind === 'Secret' && o.metadata.name === 'mur-api-tokens');
    const watched = await render('--set', 'watchNamespaces={markets,research}');
    expect(tokenSecrets(watched).map((o) => o.metadata.namespace).sort()).toEqual(['make-us-rich', 'markets', 'research']);
    // One token everywhere: the dashboard's copy opens the inference services of every watched namespace.
    expect(new Set(tokenSecrets(watched).map((o) => JSON.stringify((o as unknown as { data: unknown }).data))).size).toBe(1);
    const volume = (one(watched, 'Deployment').spec.template.spec.volumes as { name: string; secret?: { secretName: string } }[]).find((v) => v.name === 'api-token');
    expect(volume?.secret?.secretName).toBe('mur-api-tokens');
    expect(tokenSecrets(await render('--set', 'watchNamespaces={markets},dashboard.enabled=false')).map((o) => o.metadata.namespace)).toEqual(['markets']);
    expect(tokenSecrets(await render('--set', 'watchNamespaces={markets},dashboard.token.secretName=own-token')).map((o) => o.metadata.namespace)).toEqual(['markets']);
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
