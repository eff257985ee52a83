// The monitoring objects of the make-us-rich chart (PrometheusRule, PodMonitor, Grafana dashboard), rendered by
// the real helm and checked against the metrics the operator and the inference server really export.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { ServedModel } from '../core/crd/forecast-model.ts';
import { resolveForecastModelSpec } from '../core/crd/resolve.ts';
import { buildInferenceDeployment } from '../operator/builders/inference.ts';
import { createOperatorMetrics } from '../operator/metrics.ts';
import { forecastModelFixture, GOOD_METRICS } from '../operator/test-support/fixtures.ts';
import { createServerMetrics } from '../server-image/src/metrics/server-metrics.ts';
import { locateHelm, runHelm } from '../local-cluster/helm.ts';

const root = join(import.meta.dirname, '..');
const chartDir = join(root, 'charts/make-us-rich');
const helm = locateHelm();
const suiteName = helm.available ? `the make-us-rich chart's monitoring (helm ${helm.version})` : `the make-us-rich chart's monitoring (SKIPPED: ${helm.reason})`;
const NAMESPACE = 'make-us-rich';
const OPERATOR = 'make-us-rich-operator';
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const promtoolFound = promtool.status === 0;
const inCi = Boolean(process.env.CI);

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: any;
  data?: Record<string, string>;
}

interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Every metric the operator and the inference server export, by name, with its type. */
async function exportedMetrics(): Promise<Map<string, string>> {
  const registries = [createOperatorMetrics().registry, createServerMetrics().registry];
  const metrics = new Map<string, string>();
  for (const registry of registries) for (const metric of await registry.getMetricsAsJSON()) metrics.set(metric.name, String(metric.type));
  return metrics;
}

/** The mur_* names a PromQL expression reads that no exported metric (or histogram series) provides. */
function unknownMetricNames(expressions: string[], exported: Map<string, string>): string[] {
  const names = new Set(expressions.flatMap((expr) => expr.match(/\bmur_[a-z0-9_]+/g) ?? []));
  return [...names].filter((name) => {
    if (exported.has(name)) return false;
    const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    return !(histogram && exported.get(histogram) === 'histogram');
  });
}

function expressionsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(expressionsOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => (typeof child === 'string' && (key === 'expr' || key === 'query' || key === 'definition') ? [child] : expressionsOf(child)));
  }
  return [];
}

describe.skipIf(!helm.available)(suiteName, () => {
  let stateDir: string;
  const render = async (...args: string[]): Promise<Rendered[]> => {
    const result = await runHelm(helm.available ? helm.path : '', ['template', 'make-us-rich', chartDir, '-n', NAMESPACE, '-f', join(chartDir, 'ci', 'default-values.yaml'), ...args], { stateDir });
    if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    return parseAllDocuments(result.stdout).map((d) => d.toJS() as Rendered | null).filter((o): o is Rendered => o !== null);
  };
  const only = (objects: Rendered[], kind: string): Rendered => {
    const found = objects.filter((o) => o.kind === kind);
    if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
    return found[0]!;
  };

  let monitored: Rendered[];
  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'chart-monitoring-'));
    monitored = await render('-f', join(chartDir, 'ci', 'monitoring-values.yaml'));
  });
  afterAll(async () => {
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('renders no PrometheusRule, PodMonitor or dashboard unless asked', async () => {
    const objects = await render();
    expect(objects.filter((o) => ['PrometheusRule', 'PodMonitor', 'ConfigMap'].includes(o.kind))).toEqual([]);
  });

  describe('the PrometheusRule', () => {
    const rules = (): AlertRule[] => (only(monitored, 'PrometheusRule').spec.groups as { rules: AlertRule[] }[]).flatMap((g) => g.rules);

    it('carries the labels Prometheus selects rules by', () => {
      const rule = only(monitored, 'PrometheusRule');
      expect(rule.metadata).toMatchObject({ name: OPERATOR, namespace: NAMESPACE, labels: { release: 'kube-prometheus-stack' } });
    });

    it('has the alerts that matter, each with a for, a severity, a summary and a runbook-style description', () => {
      expect(rules().map((r) => r.alert).sort()).toEqual(['MurForecastStale', 'MurOperatorNoLeader', 'MurOperatorReconcileErrors', 'MurOperatorReconcileStuck', 'MurOperatorWorkQueueBacklog', 'MurTrainingFailing']);
      for (const rule of rules()) {
        expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
        expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels.severity);
        expect(rule.annotations.summary, rule.alert).toBeTruthy();
        expect(rule.annotations.description, rule.alert).toMatch(/Check: /);
      }
      expect(rules().find((r) => r.alert === 'MurOperatorNoLeader')?.labels.severity).toBe('critical');
    });

    it('reads the operator metrics of the release namespace only, with the thresholds from values', () => {
      const noLeader = rules().find((r) => r.alert === 'MurOperatorNoLeader')!;
      expect(noLeader.expr).toContain(`sum(mur_operator_leader{namespace="${NAMESPACE}"}) == 0`);
      expect(rules().find((r) => r.alert === 'MurTrainingFailing')!.expr).toMatch(/>= 3$/);
      // ci/monitoring-values.yaml allows 2 candles of lag: two hours for a 1h model, two days for a 1d one.
      const stale = rules().find((r) => r.alert === 'MurForecastStale')!.expr;
      expect(stale).toContain('mur_model_info{timeframe="1h"})\n) > 7200');
      expect(stale).toContain('mur_model_info{timeframe="1d"})\n) > 172800');
    });

    it('queries only metrics the operator and the inference server export', async () => {
      expect(unknownMetricNames(rules().map((r) => r.expr), await exportedMetrics())).toEqual([]);
    });

    it.skipIf(!promtoolFound && !inCi)(`passes promtool check rules${promtoolFound || inCi ? '' : ' (SKIPPED: promtool is not installed; apt-get install prometheus)'}`, async () => {
      // CI installs promtool (.ci/run): its absence there is a failure, not a skip.
      expect(promtoolFound, 'promtool is not on PATH (apt-get install prometheus)').toBe(true);
      const file = join(stateDir, 'rules.yaml');
      await writeFile(file, stringify(only(monitored, 'PrometheusRule').spec));
      const checked = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      expect(checked.stdout + checked.stderr).toContain('SUCCESS: 6 rules found');
      expect(checked.status).toBe(0);
    });
  });

  describe('the PodMonitor', () => {
    it('selects the pods and port the operator gives inference Deployments, in the watched namespaces', () => {
      const monitor = only(monitored, 'PodMonitor');
      expect(monitor.metadata).toMatchObject({ name: 'make-us-rich-inference', namespace: NAMESPACE, labels: { release: 'kube-prometheus-stack' } });
      expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['markets', 'research'] });
      expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
      const model: ServedModel = { version: 'btc-1', uri: 's3://models/markets/btc/btc-1/', trainingRun: 'btc-1', trainedAt: '2026-01-01T00:10:00Z', ...GOOD_METRICS };
      const fm = forecastModelFixture();
      const deployment = buildInferenceDeployment(fm, resolveForecastModelSpec(fm.spec), model, {
        image: 'make-us-rich/server:0.1.0',
        imagePullPolicy: 'IfNotPresent',
        s3SecretName: 'mur-s3',
        tokenSecretName: 'mur-api-tokens',
        defaultResources: {},
        clusterDomain: 'cluster.local',
      });
      const template = deployment.spec!.template;
      expect(template.metadata!.labels).toMatchObject(monitor.spec.selector.matchLabels);
      expect(template.spec!.containers[0]!.ports!.map((p) => p.name)).toContain('http');
    });

    it('looks in every namespace when the operator watches every namespace', async () => {
      const monitor = only(await render('--set', 'metrics.podMonitor.enabled=true'), 'PodMonitor');
      expect(monitor.spec.namespaceSelector).toEqual({ any: true });
    });
  });

  describe('the Grafana dashboard', () => {
    const dashboard = () => {
      const configMap = only(monitored, 'ConfigMap');
      return { configMap, json: JSON.parse(configMap.data!['make-us-rich.json']!) as { uid: string; panels: unknown[]; templating: unknown } };
    };

    it('is a ConfigMap the Grafana sidecar picks up, where it was asked to go', () => {
      const { configMap, json } = dashboard();
      expect(configMap.metadata.namespace).toBe('monitoring');
      expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
      expect(configMap.metadata.annotations).toEqual({ grafana_folder: 'Make Us Rich' });
      expect(json.uid).toBe('make-us-rich');
      expect(json.panels.length).toBeGreaterThan(15);
    });

    it('queries only metrics the operator and the inference server export', async () => {
      const { json } = dashboard();
      const expressions = expressionsOf([json.panels, json.templating]);
      expect(expressions.length).toBeGreaterThan(20);
      expect(unknownMetricNames(expressions, await exportedMetrics())).toEqual([]);
    });
  });
});
