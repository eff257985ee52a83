import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, parse as parseYaml, parseAllDocuments, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { s3ConfigFromEnv } from '../core/storage/s3-config.ts';
import { parseOperatorConfig } from '../operator/config.ts';
import { operatorClusterRules, operatorNamespaceRules, type PolicyRule } from '../operator/rbac.ts';
import { locateHelm, runHelm, type HelmResult } from '../local-cluster/helm.ts';

const root = join(import.meta.dirname, '..');
const chartDir = join(root, 'charts/make-us-rich');
const ciValues = readdirSync(join(chartDir, 'ci')).filter((f) => f.endsWith('-values.yaml')).sort();
const helm = locateHelm();
const helmPath = helm.available ? helm.path : '';
const suiteName = helm.available ? `the make-us-rich chart rendered by the real helm ${helm.version}` : `the make-us-rich chart rendered by the real helm (SKIPPED: ${helm.reason})`;

const RELEASE = 'make-us-rich';
const NAMESPACE = 'make-us-rich';
const OPERATOR = 'make-us-rich-operator';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

/** The part of a rendered object every assertion reads; the rest is cast to a narrow shape where it is read. */
interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

function parseManifests(text: string): Rendered[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`rendered YAML does not parse: ${document.errors[0]?.message}`);
      return document.toJS() as Rendered | null;
    })
    .filter((object): object is Rendered => object !== null);
}

function only(objects: Rendered[], kind: string, name?: string, namespace?: string): Rendered {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name) && (namespace === undefined || o.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? ''}/${name ?? '*'}, found ${found.length}`);
  return found[0] as Rendered;
}

function ofKind(objects: Rendered[], kind: string): Rendered[] {
  return objects.filter((o) => o.kind === kind);
}

interface Container {
  name: string;
  image: string;
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  securityContext: Record<string, unknown>;
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  resources: unknown;
  volumeMounts: { name: string; mountPath: string }[];
}

interface PodSpec {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: Container[];
  imagePullSecrets?: { name: string }[];
}

function podSpec(deployment: Rendered): PodSpec {
  return (deployment.spec as { template: { spec: PodSpec } }).template.spec;
}

function operatorContainer(objects: Rendered[]): Container {
  const container = podSpec(only(objects, 'Deployment', OPERATOR)).containers[0];
  if (!container) throw new Error('the operator Deployment has no container');
  return container;
}

/** The environment a kubelet would give the operator container, with the downward-API fields filled in. */
function operatorEnv(objects: Rendered[], pod = { namespace: NAMESPACE, name: `${OPERATOR}-5d8f7c9b4-x2x7q` }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of operatorContainer(objects).env) {
    const field = variable.valueFrom?.fieldRef?.fieldPath;
    if (field === 'metadata.namespace') env[variable.name] = pod.namespace;
    else if (field === 'metadata.name') env[variable.name] = pod.name;
    else if (variable.value !== undefined) env[variable.name] = variable.value;
    else throw new Error(`env ${variable.name} has a source the test does not resolve`);
  }
  return env;
}

function decodedData(secret: Rendered): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

function rulesOf(role: Rendered): PolicyRule[] {
  return role.rules as PolicyRule[];
}

function generatedCrd(file: string): unknown {
  return parseYaml(readFileSync(join(root, 'crds', file), 'utf8'));
}

describe.skipIf(!helm.available)(suiteName, () => {
  let stateDir: string;
  const helmRun = (args: string[], env?: Record<string, string>): Promise<HelmResult> =>
    runHelm(helmPath, args, { stateDir, ...(env ? { env } : {}) });

  /** `helm template` of the chart as release make-us-rich in namespace make-us-rich, CRDs included. */
  const render = async (valuesFile: string, ...extra: string[]): Promise<Rendered[]> => {
    const result = await helmRun(['template', RELEASE, chartDir, '-n', NAMESPACE, '--include-crds', '-f', join(chartDir, 'ci', valuesFile), ...extra]);
    if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    return parseManifests(result.stdout);
  };

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'helm-chart-'));
  });
  afterAll(async () => {
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('finds the ci scenarios it lints', () => {
    expect(ciValues).toEqual(['default-values.yaml', 'existing-secrets-values.yaml', 'hardened-values.yaml', 'monitoring-values.yaml', 'multi-namespace-values.yaml', 'servicemonitor-values.yaml']);
  });

  for (const file of ciValues) {
    it(`passes helm lint --strict with ci/${file}`, async () => {
      const result = await helmRun(['lint', '--strict', chartDir, '-f', join(chartDir, 'ci', file)]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    });
  }

  describe('with the default values', () => {
    let objects: Rendered[];
    beforeAll(async () => {
      objects = await render('default-values.yaml');
    });

    it('renders the CRDs byte-for-byte from crds/', () => {
      expect(only(objects, 'CustomResourceDefinition', 'forecastmodels.forecasting.makeusrich.io')).toEqual(generatedCrd('forecastmodels.forecasting.makeusrich.io.yaml'));
      expect(only(objects, 'CustomResourceDefinition', 'trainingruns.forecasting.makeusrich.io')).toEqual(generatedCrd('trainingruns.forecasting.makeusrich.io.yaml'));
    });

    it('runs two operator replicas under the restricted Pod Security Standard', () => {
      const deployment = only(objects, 'Deployment', OPERATOR, NAMESPACE);
      expect((deployment.spec as { replicas: number }).replicas).toBe(2);
      const pod = podSpec(deployment);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      const container = operatorContainer(objects);
      expect(container.image).toBe('make-us-rich/operator:0.1.0');
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } });
      // A read-only root still needs somewhere to write temporary files.
      expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    });

    it('probes /healthz and /readyz on the port the metrics Service targets', () => {
      const container = operatorContainer(objects);
      expect(container.ports).toEqual([{ name: 'http', containerPort: 8081, protocol: 'TCP' }]);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      const service = only(objects, 'Service', OPERATOR, NAMESPACE);
      const spec = service.spec as { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
      expect(spec.ports).toEqual([{ name: 'http-metrics', port: 8081, targetPort: 'http', protocol: 'TCP' }]);
      const podLabels = (only(objects, 'Deployment', OPERATOR).spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      expect(podLabels).toMatchObject(spec.selector);
    });

    it('gives the operator an environment operator/config.ts accepts, naming the chart images and Secrets', () => {
      const config = parseOperatorConfig(operatorEnv(objects));
      expect(config).toMatchObject({
        watchNamespaces: [],
        operatorNamespace: NAMESPACE,
        trainerImage: 'make-us-rich/trainer:0.1.0',
        serverImage: 'make-us-rich/server:0.1.0',
        imagePullPolicy: 'IfNotPresent',
        s3SecretName: 'mur-s3',
        tokenSecretName: 'mur-api-tokens',
        artifactBaseUri: 's3://mur-models/',
        jobTtlSeconds: 86_400,
        workers: 16,
        resyncSeconds: 300,
        httpPort: 8081,
        clusterDomain: 'cluster.local',
        logLevel: 'info',
      });
      expect(config.leaderElection).toEqual({ enabled: true, leaseName: OPERATOR, identity: `${OPERATOR}-5d8f7c9b4-x2x7q`, leaseDurationSeconds: 15, retryPeriodSeconds: 2 });
      // Unset resource defaults leave the operator's own.
      expect(config.trainerResources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } });
    });

    it('grants exactly the rules generated from operator/rbac.ts, cluster-wide, to the operator ServiceAccount', () => {
      expect(rulesOf(only(objects, 'ClusterRole', OPERATOR))).toEqual(operatorClusterRules({ s3SecretName: 'mur-s3' }));
      const binding = only(objects, 'ClusterRoleBinding', OPERATOR);
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: OPERATOR, namespace: NAMESPACE }]);
      only(objects, 'ServiceAccount', OPERATOR, NAMESPACE);
      expect(podSpec(only(objects, 'Deployment', OPERATOR)).serviceAccountName).toBe(OPERATOR);
      expect(ofKind(objects, 'RoleBinding').map((b) => b.metadata.name)).toEqual([`${OPERATOR}-leader-election`]);
    });

    it('grants the Lease rights in the release namespace only', () => {
      const role = only(objects, 'Role', `${OPERATOR}-leader-election`, NAMESPACE);
      expect(rulesOf(role)).toEqual(operatorNamespaceRules());
      expect(only(objects, 'RoleBinding', `${OPERATOR}-leader-election`, NAMESPACE).roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${OPERATOR}-leader-election` });
    });

    it('uses no RBAC wildcard anywhere', () => {
      const rules = [...ofKind(objects, 'ClusterRole'), ...ofKind(objects, 'Role')].flatMap(rulesOf);
      expect(rules.length).toBeGreaterThan(10);
      for (const rule of rules) {
        for (const value of [...rule.apiGroups, ...rule.resources, ...rule.verbs, ...(rule.resourceNames ?? [])]) expect(value).not.toContain('*');
      }
    });

    it('writes the S3 Secret in the keys the images parse', () => {
      const data = decodedData(only(objects, 'Secret', 'mur-s3', NAMESPACE));
      expect(s3ConfigFromEnv(data)).toEqual({ endpoint: 'http://minio.minio.svc:9000', accessKey: 'make-us-rich', secretKey: 'make-us-rich-secret-key', pathStyle: true });
    });

    it('generates one random 48-character API token named "default"', async () => {
      const tokens = decodedData(only(objects, 'Secret', 'mur-api-tokens', NAMESPACE));
      expect(Object.keys(tokens)).toEqual(['default']);
      expect(tokens.default).toMatch(/^[A-Za-z0-9]{48}$/);
      const again = decodedData(only(await render('default-values.yaml'), 'Secret', 'mur-api-tokens', NAMESPACE));
      expect(again.default).not.toBe(tokens.default);
    });

    it('labels every templated object with the release, and renders no ServiceMonitor', () => {
      for (const object of objects.filter((o) => o.kind !== 'CustomResourceDefinition')) {
        expect(object.metadata.labels, `${object.kind} ${object.metadata.name}`).toMatchObject({
          'app.kubernetes.io/name': 'make-us-rich',
          'app.kubernetes.io/instance': RELEASE,
          'app.kubernetes.io/managed-by': 'Helm',
          'helm.sh/chart': 'make-us-rich-0.1.0',
        });
      }
      expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    });
  });

  describe('with existing Secrets', () => {
    let objects: Rendered[];
    beforeAll(async () => {
      objects = await render('existing-secrets-values.yaml');
    });

    it('writes no Secret and points the operator and its S3 read right at the existing ones', () => {
      expect(ofKind(objects, 'Secret')).toEqual([]);
      const config = parseOperatorConfig(operatorEnv(objects));
      expect(config.s3SecretName).toBe('object-store-credentials');
      expect(config.tokenSecretName).toBe('forecast-api-tokens');
      expect(config.artifactBaseUri).toBe('s3://forecasts/prod/');
      expect(rulesOf(only(objects, 'ClusterRole', OPERATOR))).toEqual(operatorClusterRules({ s3SecretName: 'object-store-credentials' }));
    });
  });

  describe('watching two namespaces', () => {
    let objects: Rendered[];
    beforeAll(async () => {
      objects = await render('multi-namespace-values.yaml');
    });

    it('binds the generated ClusterRole in each watched namespace instead of cluster-wide', () => {
      expect(ofKind(objects, 'ClusterRoleBinding')).toEqual([]);
      for (const namespace of ['markets', 'research']) {
        const binding = only(objects, 'RoleBinding', OPERATOR, namespace);
        expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR });
        expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: OPERATOR, namespace: NAMESPACE }]);
      }
    });

    it('writes the same Secrets into both namespaces, with the given tokens', () => {
      for (const namespace of ['markets', 'research']) {
        expect(decodedData(only(objects, 'Secret', 'mur-api-tokens', namespace))).toEqual({ dashboard: 'dashboard-token-0123456789', 'trading-bot': 'trading-bot-token-0123456789' });
        expect(decodedData(only(objects, 'Secret', 'mur-s3', namespace))).toEqual({
          S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
          S3_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY',
          S3_SECRET_ACCESS_KEY: 'example-secret-access-key',
          S3_REGION: 'eu-west-1',
          S3_FORCE_PATH_STYLE: 'false',
        });
        expect(s3ConfigFromEnv(decodedData(only(objects, 'Secret', 'mur-s3', namespace)))).toMatchObject({ region: 'eu-west-1', pathStyle: false });
      }
      // The dashboard runs in the release namespace: it gets the API-token Secret (the same tokens), not the S3 one.
      expect(ofKind(objects, 'Secret').filter((s) => s.metadata.namespace === NAMESPACE).map((s) => s.metadata.name)).toEqual(['mur-api-tokens']);
      expect(decodedData(only(objects, 'Secret', 'mur-api-tokens', NAMESPACE))).toEqual(decodedData(only(objects, 'Secret', 'mur-api-tokens', 'markets')));
    });

    it('passes the namespaces, registry images and trainer defaults to the operator', () => {
      const config = parseOperatorConfig(operatorEnv(objects));
      expect(config.watchNamespaces).toEqual(['markets', 'research']);
      expect(config.trainerImage).toBe('registry.example.com/mur/make-us-rich/trainer:0.1.0-gpu');
      expect(config.serverImage).toBe('registry.example.com/mur/make-us-rich/server:0.1.0');
      expect(config.trainerResources).toEqual({ requests: { cpu: '4', memory: '8Gi' }, limits: { memory: '16Gi' } });
      expect(config.jobTtlSeconds).toBe(3600);
      expect(config.workers).toBe(4);
      expect(config.logLevel).toBe('debug');
      expect(operatorContainer(objects).image).toBe('registry.example.com/mur/make-us-rich/operator:0.1.0');
      expect(podSpec(only(objects, 'Deployment', OPERATOR)).imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    });
  });

  describe('with the ServiceMonitor on', () => {
    let objects: Rendered[];
    beforeAll(async () => {
      objects = await render('servicemonitor-values.yaml');
    });

    it('scrapes the metrics Service port by name, selecting the Service by its labels', () => {
      const monitor = only(objects, 'ServiceMonitor', OPERATOR, NAMESPACE);
      expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
      const spec = monitor.spec as { selector: { matchLabels: Record<string, string> }; endpoints: unknown[]; namespaceSelector: unknown };
      expect(spec.endpoints).toEqual([{ port: 'http-metrics', path: '/metrics', interval: '15s', scrapeTimeout: '10s' }]);
      expect(spec.namespaceSelector).toEqual({ matchNames: [NAMESPACE] });
      expect(only(objects, 'Service', OPERATOR).metadata.labels).toMatchObject(spec.selector.matchLabels);
    });

    it('runs a single replica without a leader-election Role, from the pinned digest', () => {
      expect((only(objects, 'Deployment', OPERATOR).spec as { replicas: number }).replicas).toBe(1);
      expect(ofKind(objects, 'Role')).toEqual([]);
      expect(parseOperatorConfig(operatorEnv(objects)).leaderElection.enabled).toBe(false);
      expect(operatorContainer(objects).image).toBe('make-us-rich/operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    });
  });

  describe('refuses bad values at install time', () => {
    const failure = async (...sets: string[]): Promise<string> => {
      const result = await helmRun(['template', RELEASE, chartDir, '-n', NAMESPACE, '-f', join(chartDir, 'ci', 'default-values.yaml'), ...sets.flatMap((s) => ['--set', s])]);
      expect(result.code, result.stdout.slice(0, 200)).not.toBe(0);
      return result.stderr;
    };

    it('names a misspelt key', async () => {
      expect(await failure('operator.replicaCont=3')).toContain("at '/operator': additional properties 'replicaCont' not allowed");
      expect(await failure('s3.acessKeyId=x')).toContain("additional properties 'acessKeyId' not allowed");
    });

    it('names a malformed value', async () => {
      expect(await failure('s3.bucket=Not_A_Bucket')).toContain("at '/s3/bucket'");
      expect(await failure('s3.endpoint=http://minio:9000/bucket')).toContain("at '/s3/endpoint'");
      expect(await failure('apiTokens.tokens.ci=short')).toContain("at '/apiTokens/tokens/ci'");
      expect(await failure('imagePullPolicy=Sometimes')).toContain("at '/imagePullPolicy'");
    });

    it('names the missing S3 credentials', async () => {
      expect(await failure('s3.secretAccessKey=')).toContain('s3.secretAccessKey is required, or name a Secret you manage in s3.existingSecret (or set s3.auth to webIdentity or instanceMetadata)');
      expect(await failure('s3.auth=keys')).toContain("at '/s3/auth'");
    });

    it('writes an S3 Secret without keys for pods that sign with their own identity', async () => {
      for (const auth of ['webIdentity', 'instanceMetadata']) {
        const result = await helmRun(['template', RELEASE, chartDir, '-n', NAMESPACE, '-f', join(chartDir, 'ci', 'default-values.yaml'), '--set', `s3.auth=${auth}`, '--set', 's3.accessKeyId=', '--set', 's3.secretAccessKey=']);
        expect(result.code, result.stderr).toBe(0);
        const data = decodedData(only(parseManifests(result.stdout), 'Secret', 'mur-s3', NAMESPACE));
        expect(Object.keys(data).filter((key) => key.includes('ACCESS_KEY'))).toEqual([]);
        // What the images parse from it: the endpoint, and a pod identity rather than keys.
        const config = s3ConfigFromEnv({ ...data, ...(auth === 'webIdentity' ? { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/mur', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' } : {}) });
        expect(config).toMatchObject({ endpoint: 'http://minio.minio.svc:9000', credentials: { kind: auth } });
        expect(config?.accessKey).toBeUndefined();
      }
    });

    it('refuses two active operators and a ServiceMonitor without its Service', async () => {
      expect(await failure('operator.leaderElection.enabled=false')).toContain('operator.replicaCount above 1 needs operator.leaderElection.enabled');
      expect(await failure('metrics.serviceMonitor.enabled=true', 'metrics.service.enabled=false')).toContain('metrics.serviceMonitor.enabled needs metrics.service.enabled');
    });
  });

  it('prints NOTES that lead to the example and its namespace', async () => {
    const result = await helmRun(['install', RELEASE, chartDir, '-n', NAMESPACE, '--dry-run=client', '-f', join(chartDir, 'ci', 'default-values.yaml')]);
    expect(result.code, result.stderr).toBe(0);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toContain(`kubectl rollout status deployment/${OPERATOR} -n ${NAMESPACE}`);
    expect(notes).toContain(`helm upgrade ${RELEASE} charts/make-us-rich -n ${NAMESPACE} --reuse-values --set 'secretNamespaces={markets}'`);
    expect(notes).toContain('kubectl apply -f examples/btc-forecast.yaml');
    expect(notes).toContain('kubectl get fm -n markets -w');
    expect(notes).toContain("kubectl get secret mur-api-tokens -n markets -o jsonpath='{.data.default}' | base64 -d");
  });
});

/** A JSON-schema node of values.schema.json, as far as the checks below read it. */
interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
}

describe('values.yaml and values.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as SchemaNode;
  const valuesDocument = parseDocument(readFileSync(join(chartDir, 'values.yaml'), 'utf8'));
  const resolve = (node: SchemaNode): SchemaNode => {
    if (!node.$ref) return node;
    const target = schema.$defs?.[node.$ref.replace('#/$defs/', '')];
    if (!target) throw new Error(`values.schema.json: unresolved ${node.$ref}`);
    return resolve(target);
  };

  /** Every key of values.yaml that the schema declares by name, with whether a comment sits above it. */
  const declaredKeys = (): { path: string; commented: boolean }[] => {
    const keys: { path: string; commented: boolean }[] = [];
    const walk = (map: YAMLMap, node: SchemaNode, path: string) => {
      map.items.forEach((pair, index) => {
        const key = String((pair.key as Scalar).value);
        const child = node.properties?.[key];
        const keyPath = path ? `${path}.${key}` : key;
        if (!child) throw new Error(`values.yaml: ${keyPath} is not declared in values.schema.json`);
        // The yaml parser hangs the comment above a nested map's first key on the map itself.
        const commented = Boolean((pair.key as Scalar).commentBefore || (index === 0 && map.commentBefore));
        keys.push({ path: keyPath, commented });
        const resolved = resolve(child);
        if (isMap(pair.value) && resolved.properties) walk(pair.value, resolved, keyPath);
      });
    };
    walk(valuesDocument.contents as YAMLMap, schema, '');
    return keys;
  };

  it('has a comment above every key', () => {
    const keys = declaredKeys();
    expect(keys.length).toBeGreaterThan(50);
    expect(keys.filter((k) => !k.commented).map((k) => k.path)).toEqual([]);
  });

  it('declares in the schema exactly the keys values.yaml has', () => {
    const schemaPaths: string[] = [];
    const walk = (node: SchemaNode, path: string) => {
      for (const [key, child] of Object.entries(resolve(node).properties ?? {})) {
        const keyPath = path ? `${path}.${key}` : key;
        schemaPaths.push(keyPath);
        walk(child, keyPath);
      }
    };
    walk(schema, '');
    // Leaves inside free-form maps (resources.requests.cpu…) are data, not declared keys; so are the Kubernetes
    // fields the schema allows inside the security contexts and affinity, which values.yaml leaves empty.
    const data = /\.resources\.(requests|limits)$|\.(podSecurityContext|containerSecurityContext|affinity)\./;
    const valuesPaths = declaredKeys().map((k) => k.path);
    expect(schemaPaths.filter((p) => !data.test(p)).sort()).toEqual(valuesPaths.filter((p) => !data.test(p)).sort());
  });

  it('closes every object with additionalProperties: false, or types the values of a map', () => {
    const open: string[] = [];
    const walk = (node: SchemaNode, path: string) => {
      // A parent chart hands its globals to every subchart: keys other charts read must pass unchecked.
      if (path === '.global') return;
      if (node.properties && node.additionalProperties !== false) open.push(path);
      if (node.type === 'object' && !node.properties && typeof node.additionalProperties !== 'object') open.push(path);
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${key}`);
      for (const [key, child] of Object.entries(node.$defs ?? {})) walk(child, `$defs.${key}`);
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}.*`);
      for (const [index, child] of (node.anyOf ?? []).entries()) walk(child, `${path}|${index}`);
    };
    walk(schema, '');
    expect(open).toEqual([]);
  });

  it('lists every key in the chart README values table', () => {
    const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');
    const missing = declaredKeys()
      .map((k) => k.path)
      .filter((path) => !/^(global|operator|serviceAccount|rbac|trainer|server|s3|apiTokens|metrics|dashboard)$|\.(image|leaderElection|service|serviceMonitor|podMonitor|prometheusRule|grafanaDashboard|trainingFailures|forecastStale|reconcileErrors|workQueue|noLeader|token|ingress|discovery)$|\.resources\./.test(path))
      .filter((path) => !readme.includes(`| \`${path}\` |`));
    expect(missing).toEqual([]);
  });
});
