// How the make-us-rich chart fits into other people's clusters: as a dependency of a parent chart (globals),
// under GitOps renderers ("helm template"), with their security contexts, environment and placement.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { locateHelm, runHelm, type HelmResult } from '../local-cluster/helm.ts';

const root = join(import.meta.dirname, '..');
const chartDir = join(root, 'charts/make-us-rich');
const parentFixture = join(root, 'test/fixtures/parent-chart');
const helm = locateHelm();
const suiteName = helm.available ? `the make-us-rich chart in other clusters (helm ${helm.version})` : `the make-us-rich chart in other clusters (SKIPPED: ${helm.reason})`;
const NAMESPACE = 'make-us-rich';
const OPERATOR = 'make-us-rich-operator';
const DASHBOARD = 'make-us-rich-dashboard';

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: any;
}

function parse(text: string): Rendered[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Rendered | null).filter((o): o is Rendered => o !== null);
}

describe.skipIf(!helm.available)(suiteName, () => {
  let stateDir: string;
  const helmRun = (args: string[]): Promise<HelmResult> => runHelm(helm.available ? helm.path : '', args, { stateDir });
  const template = (...args: string[]) => helmRun(['template', 'make-us-rich', chartDir, '-n', NAMESPACE, '-f', join(chartDir, 'ci', 'default-values.yaml'), ...args]);
  const render = async (...args: string[]): Promise<Rendered[]> => {
    const result = await template(...args);
    if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    return parse(result.stdout);
  };
  const only = (objects: Rendered[], kind: string, name: string): Rendered => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0]!;
  };
  const pod = (objects: Rendered[], name: string) => only(objects, 'Deployment', name).spec.template.spec;
  const env = (objects: Rendered[], name: string): { name: string; value?: string }[] => pod(objects, name).containers[0].env;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'chart-fit-'));
  });
  afterAll(async () => {
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  describe('as the dependency of a parent chart', () => {
    let objects: Rendered[];
    beforeAll(async () => {
      // The parent's charts/ gets a copy of the chart, as "helm dependency build" would unpack it, without
      // writing a package into the repository.
      const parent = join(stateDir, 'parent');
      await cp(parentFixture, parent, { recursive: true });
      await cp(chartDir, join(parent, 'charts/make-us-rich'), { recursive: true });
      const linted = await helmRun(['lint', parent]);
      expect(linted.code, linted.stdout + linted.stderr).toBe(0);
      const result = await helmRun(['template', 'platform', parent, '-n', 'platform']);
      expect(result.code, result.stderr).toBe(0);
      objects = parse(result.stdout);
    });

    it('accepts the parent\'s globals, its own and other charts\' alike', () => {
      expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(['platform-make-us-rich-dashboard', 'platform-make-us-rich-operator']);
    });

    it('pulls every image from global.imageRegistry, which wins over the chart\'s imageRegistry', () => {
      const registry = 'mirror.example.com/platform';
      expect(pod(objects, 'platform-make-us-rich-operator').containers[0].image).toBe(`${registry}/make-us-rich/operator:0.1.0`);
      expect(pod(objects, 'platform-make-us-rich-dashboard').containers[0].image).toBe(`${registry}/make-us-rich/dashboard:0.1.0`);
      const operatorEnv = Object.fromEntries(env(objects, 'platform-make-us-rich-operator').map((v) => [v.name, v.value]));
      expect(operatorEnv.MUR_TRAINER_IMAGE).toBe(`${registry}/make-us-rich/trainer:0.1.0`);
      expect(operatorEnv.MUR_SERVER_IMAGE).toBe(`${registry}/make-us-rich/server:0.1.0`);
    });
  });

  it('falls back to imageRegistry when global.imageRegistry is empty', async () => {
    const objects = await render('--set', 'imageRegistry=registry.example.com/mur', '--set', 'global.imageRegistry=');
    expect(pod(objects, OPERATOR).containers[0].image).toBe('registry.example.com/mur/make-us-rich/operator:0.1.0');
  });

  describe('under a GitOps renderer ("helm template", no cluster to read)', () => {
    it('renders byte for byte the same twice when the tokens come from apiTokens.existingSecret', async () => {
      const args = ['-f', join(chartDir, 'ci', 'existing-secrets-values.yaml')];
      const [first, second] = await Promise.all([template(...args), template(...args)]);
      expect(first.code).toBe(0);
      expect(second.stdout).toBe(first.stdout);
    });

    it('renders the same twice with apiTokens.tokens given', async () => {
      const args = ['--set', 'apiTokens.tokens.default=gitops-token-0123456789'];
      const [first, second] = await Promise.all([template(...args), template(...args)]);
      expect(second.stdout).toBe(first.stdout);
    });
  });

  describe('with the cluster\'s own security, environment and placement (ci/hardened-values.yaml)', () => {
    let objects: Rendered[];
    beforeAll(async () => {
      objects = await render('-f', join(chartDir, 'ci', 'hardened-values.yaml'));
    });

    it('replaces only the security-context keys given, keeping the rest of "restricted"', () => {
      expect(pod(objects, OPERATOR).securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 20001,
        runAsGroup: 20001,
        fsGroup: 20001,
        seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/node-default.json' },
      });
      expect(pod(objects, OPERATOR).containers[0].securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 20001,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      // false replaces the default true: a plain merge would drop it.
      expect(pod(objects, DASHBOARD).containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(pod(objects, DASHBOARD).securityContext).toMatchObject({ runAsUser: 10001, runAsNonRoot: true });
    });

    it('appends extraEnv after the chart\'s own variables', () => {
      const operatorEnv = env(objects, OPERATOR);
      expect(operatorEnv.slice(-2)).toEqual([
        { name: 'HTTPS_PROXY', value: 'http://proxy.internal:3128' },
        { name: 'NO_PROXY', value: '.svc,.cluster.local,10.0.0.0/8' },
      ]);
      expect(operatorEnv.some((v) => v.name === 'MUR_TRAINER_IMAGE')).toBe(true);
      expect(env(objects, DASHBOARD).at(-1)).toEqual({ name: 'UPSTREAM_AUTH_HEADER', valueFrom: { secretKeyRef: { name: 'dashboard-upstream', key: 'header', optional: true } } });
    });

    it('places the pods by the given affinity and tolerations', () => {
      expect(pod(objects, OPERATOR).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([{ key: 'node-role.example.com/platform', operator: 'Exists' }]);
      expect(pod(objects, OPERATOR).tolerations).toEqual([{ key: 'node-role.example.com/platform', operator: 'Exists', effect: 'NoSchedule' }]);
      expect(pod(objects, DASHBOARD).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    });

    it('runs one operator replica without a PodDisruptionBudget', () => {
      expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    });
  });

  it('keeps a standby through voluntary disruptions when the operator runs more than one replica', async () => {
    const objects = await render();
    const budget = only(objects, 'PodDisruptionBudget', OPERATOR);
    expect(budget.spec.maxUnavailable).toBe(1);
    expect(pod(objects, OPERATOR).containers).toBeDefined();
    expect(only(objects, 'Deployment', OPERATOR).spec.template.metadata.labels).toMatchObject(budget.spec.selector.matchLabels);
  });

  it('refuses security contexts outside the restricted Pod Security Standard', async () => {
    const refused = async (set: string, where: string) => {
      const result = await template('--set', set);
      expect(result.code, set).not.toBe(0);
      expect(result.stderr, set).toContain(where);
    };
    await refused('operator.containerSecurityContext.privileged=true', "at '/operator/containerSecurityContext/privileged'");
    await refused('operator.containerSecurityContext.allowPrivilegeEscalation=true', "at '/operator/containerSecurityContext/allowPrivilegeEscalation'");
    await refused('operator.podSecurityContext.runAsUser=0', "at '/operator/podSecurityContext/runAsUser'");
    await refused('dashboard.containerSecurityContext.runAsUser=0', "at '/dashboard/containerSecurityContext/runAsUser'");
    await refused('dashboard.podSecurityContext.runAsNonRoot=false', "at '/dashboard/podSecurityContext/runAsNonRoot'");
    await refused('operator.podSecurityContext.seccompProfile.type=Unconfined', "at '/operator/podSecurityContext/seccompProfile/type'");
    await refused('operator.containerSecurityContext.capabilities.add={SYS_ADMIN}', "at '/operator/containerSecurityContext/capabilities");
    await refused('operator.containerSecurityContext.capabilities.drop={NET_RAW}', "at '/operator/containerSecurityContext/capabilities/drop'");
  });
});
