/**
 * The generated CRDs on a real kube-apiserver, driven with the real kubectl: they install (structural, CEL
 * rules that compile and hold for their own defaults), refuse what the docs forbid naming the field, fill in
 * the defaults the operator assumes, and let a later server-side apply really remove the fields it drops.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { API_GROUP_VERSION } from '../core/crd/group.ts';
import { resolveForecastModelSpec, resolveTrainingRunSpec } from '../core/crd/resolve.ts';
import type { ClusterTestContext } from './cluster/global-setup.ts';
import { startControlPlane, type ControlPlane } from '../local-cluster/control-plane.ts';
import { runKubectl, type KubectlResult } from './support/kubectl.ts';

const REPO = join(import.meta.dirname, '..');
const NAMESPACE = `crd-validation-${randomBytes(3).toString('hex')}`;
const market = { exchange: 'binance', symbol: 'BTC/USDT' };

let ownPlane: ControlPlane | undefined;
let cluster: { kubectl: string; adminKubeconfigPath: string };
let crdInstall: KubectlResult;

function kubectl(args: readonly string[], stdin?: string): Promise<KubectlResult> {
  return runKubectl(cluster.kubectl, cluster.adminKubeconfigPath, args, stdin);
}

async function kubectlOk(args: readonly string[], stdin?: string): Promise<string> {
  const result = await kubectl(args, stdin);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

function forecastModel(name: string, spec: unknown): Record<string, unknown> {
  return { apiVersion: API_GROUP_VERSION, kind: 'ForecastModel', metadata: { name, namespace: NAMESPACE }, spec };
}

function trainingRun(name: string, spec: unknown): Record<string, unknown> {
  return { apiVersion: API_GROUP_VERSION, kind: 'TrainingRun', metadata: { name, namespace: NAMESPACE }, spec };
}

/** `kubectl apply` (client-side, strict field validation: kubectl's default) of one object. */
function apply(object: unknown, ...flags: string[]): Promise<KubectlResult> {
  return kubectl(['apply', ...flags, '-f', '-'], JSON.stringify(object));
}

async function read(resource: string, name: string): Promise<{ spec: Record<string, unknown> }> {
  return JSON.parse(await kubectlOk(['get', resource, name, '--namespace', NAMESPACE, '-o', 'json'])) as { spec: Record<string, unknown> };
}

beforeAll(async () => {
  // The cluster suites' global setup provides one control plane; run alone, this file starts its own.
  const provided = inject('controlPlane') as ClusterTestContext | undefined;
  if (provided) cluster = provided;
  else cluster = ownPlane = await startControlPlane();
  // Creating the CRDs is itself a test: the apiserver checks them and evaluates their CEL rules against the defaults.
  crdInstall = await kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'crd-validation-test', '-f', join(REPO, 'crds')]);
  if (crdInstall.code !== 0) throw new Error(`the apiserver refused the CRDs: ${crdInstall.stderr}`);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', 'crd', 'forecastmodels.forecasting.makeusrich.io', 'trainingruns.forecasting.makeusrich.io']);
  await kubectlOk(['create', 'namespace', NAMESPACE]);
}, 180_000);

afterAll(async () => {
  if (cluster && !ownPlane) await kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']);
  await ownPlane?.stop();
}, 60_000);

/** An object the apiserver must refuse, the field path its message must name and a phrase of the reason. */
interface Refusal {
  readonly name: string;
  readonly object: Record<string, unknown>;
  readonly field: string;
  readonly reason: string;
}

const REFUSALS: readonly Refusal[] = [
  { name: 'lookback of the wrong type', object: forecastModel('bad-type', { market: { ...market, lookback: 'lots' } }), field: 'spec.market.lookback', reason: 'must be of type integer' },
  { name: 'suspend as a string', object: forecastModel('bad-bool', { market, suspend: 'yes' }), field: 'spec.suspend', reason: 'must be of type boolean' },
  { name: 'window below its minimum', object: forecastModel('small-window', { market, model: { window: 4 } }), field: 'spec.model.window', reason: 'greater than or equal to 8' },
  { name: 'dropout above its maximum', object: forecastModel('big-dropout', { market, model: { dropout: 0.95 } }), field: 'spec.model.dropout', reason: 'less than or equal to 0.9' },
  { name: 'no serving replicas', object: forecastModel('no-replicas', { market, serving: { replicas: 0 } }), field: 'spec.serving.replicas', reason: 'greater than or equal to 1' },
  { name: 'an unknown promotion policy', object: forecastModel('bad-policy', { market, promotion: { policy: 'Sometimes' } }), field: 'spec.promotion.policy', reason: 'Unsupported value: "Sometimes"' },
  { name: 'an unknown timeframe', object: forecastModel('bad-timeframe', { market: { ...market, timeframe: '7m' } }), field: 'spec.market.timeframe', reason: 'Unsupported value: "7m"' },
  { name: 'a symbol that is not BASE/QUOTE', object: forecastModel('bad-symbol', { market: { ...market, symbol: 'btc-usdt' } }), field: 'spec.market.symbol', reason: 'should match' },
  { name: 'an exchange id that is not a ccxt id', object: forecastModel('bad-exchange', { market: { ...market, exchange: 'Binance!' } }), field: 'spec.market.exchange', reason: 'should match' },
  { name: 'unsorted quantiles', object: forecastModel('unsorted-q', { market, model: { quantiles: [0.9, 0.1, 0.5] } }), field: 'spec.model.quantiles', reason: 'strictly increasing' },
  { name: 'a repeated quantile', object: forecastModel('repeated-q', { market, model: { quantiles: [0.1, 0.5, 0.5] } }), field: 'spec.model.quantiles', reason: 'strictly increasing' },
  { name: 'quantiles without the median', object: forecastModel('no-median', { market, model: { quantiles: [0.2, 0.8] } }), field: 'spec.model.quantiles', reason: 'median 0.5' },
  { name: 'a quantile of 1 or more', object: forecastModel('big-q', { market, model: { quantiles: [0.5, 1.2] } }), field: 'spec.model.quantiles[1]', reason: 'less than 1' },
  { name: 'a cron minute of 61', object: forecastModel('bad-minute', { market, training: { schedule: '61 * * * *' } }), field: 'spec.training.schedule', reason: 'the minute field must be 0-59' },
  { name: 'a cron hour of 24', object: forecastModel('bad-hour', { market, training: { schedule: '0 24 * * *' } }), field: 'spec.training.schedule', reason: 'the hour field must be 0-23' },
  { name: 'a cron month of 13', object: forecastModel('bad-month', { market, training: { schedule: '0 0 1 13 *' } }), field: 'spec.training.schedule', reason: 'the month field must be 1-12' },
  { name: 'a cron weekday of 8', object: forecastModel('bad-weekday', { market, training: { schedule: '0 0 * * 8' } }), field: 'spec.training.schedule', reason: 'the day-of-week field' },
  { name: 'a schedule that is not cron', object: forecastModel('not-cron', { market, training: { schedule: 'sometimes' } }), field: 'spec.training.schedule', reason: 'should match' },
  { name: 'retrainWhen without a bound', object: forecastModel('drift-no-bound', { market, training: { retrainWhen: { minSamples: 50 } } }), field: 'spec.training.retrainWhen', reason: 'retrainWhen needs coverageBelow, maseAbove or both' },
  { name: 'a coverage bound of 1', object: forecastModel('drift-coverage', { market, training: { retrainWhen: { coverageBelow: 1 } } }), field: 'spec.training.retrainWhen.coverageBelow', reason: 'should be less than 1' },
  { name: 'a negative MASE bound', object: forecastModel('drift-mase', { market, training: { retrainWhen: { maseAbove: -0.5 } } }), field: 'spec.training.retrainWhen.maseAbove', reason: 'should be greater than 0' },
  { name: 'no samples before drift counts', object: forecastModel('drift-samples', { market, training: { retrainWhen: { maseAbove: 1.2, minSamples: 0 } } }), field: 'spec.training.retrainWhen.minSamples', reason: 'greater than or equal to 1' },
  { name: 'a cooldown in days', object: forecastModel('drift-days', { market, training: { retrainWhen: { maseAbove: 1.2, cooldown: '1d' } } }), field: 'spec.training.retrainWhen.cooldown', reason: 'should match' },
  { name: 'a cooldown under a minute', object: forecastModel('drift-short', { market, training: { retrainWhen: { maseAbove: 1.2, cooldown: '30s' } } }), field: 'spec.training.retrainWhen.cooldown', reason: 'cooldown must be at least 1m' },
  { name: 'a misspelt retrainWhen field', object: forecastModel('drift-typo', { market, training: { retrainWhen: { maseAbove: 1.2, coverage: 0.7 } } }), field: 'spec.training.retrainWhen.coverage', reason: 'unknown field' },
  { name: 'a Drift run without its ForecastModel', object: trainingRun('run-drift-orphan', { reason: 'Drift', market }), field: 'spec.forecastModel', reason: 'Required value' },
  { name: 'BeatBaseline on coverage', object: forecastModel('baseline-coverage', { market, promotion: { policy: 'BeatBaseline', metric: 'coverage' } }), field: 'spec.promotion.metric', reason: 'naive persistence has no forecast interval' },
  // The policy is left to its default (BeatBaseline): the rule must see the defaulted value.
  { name: 'winkler under the default policy', object: forecastModel('default-winkler', { market, promotion: { metric: 'winkler' } }), field: 'spec.promotion.metric', reason: 'naive persistence has no forecast interval' },
  { name: 'a quantity that is not one', object: forecastModel('bad-quantity', { market, training: { resources: { requests: { cpu: '2 cores' } } } }), field: 'spec.training.resources.requests.cpu', reason: 'should match' },
  { name: 'an unknown toleration effect', object: forecastModel('bad-effect', { market, training: { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'Sometimes' }] } }), field: 'spec.training.tolerations[0].effect', reason: 'Unsupported value' },
  { name: 'a deadline under a minute', object: forecastModel('short-deadline', { market, training: { activeDeadlineSeconds: 10 } }), field: 'spec.training.activeDeadlineSeconds', reason: 'greater than or equal to 60' },
  { name: 'no market', object: forecastModel('no-market', { suspend: true }), field: 'spec.market', reason: 'Required value' },
  { name: 'no symbol', object: forecastModel('no-symbol', { market: { exchange: 'binance' } }), field: 'spec.market.symbol', reason: 'Required value' },
  { name: 'a misspelt spec field', object: forecastModel('typo', { market, trainig: {} }), field: 'spec.trainig', reason: 'unknown field' },
  { name: 'a misspelt model field', object: forecastModel('typo-model', { market, model: { learningrate: 0.01 } }), field: 'spec.model.learningrate', reason: 'unknown field' },
  { name: 'a run without its ForecastModel', object: trainingRun('run-orphan', { market }), field: 'spec.forecastModel', reason: 'Required value' },
  { name: 'a run with an unknown reason', object: trainingRun('run-reason', { forecastModel: 'btc', reason: 'Because', market }), field: 'spec.reason', reason: 'Unsupported value: "Because"' },
  { name: 'a run with unsorted quantiles', object: trainingRun('run-quantiles', { forecastModel: 'btc', market, model: { quantiles: [0.5, 0.1] } }), field: 'spec.model.quantiles', reason: 'strictly increasing' },
  { name: 'a run with a misspelt Job setting', object: trainingRun('run-typo', { forecastModel: 'btc', market, training: { gpus: true } }), field: 'spec.training.gpus', reason: 'unknown field' },
];

it('installs the CRDs without a warning (e.g. about rule cost)', () => {
  expect(crdInstall.stderr).toBe('');
});

describe('the apiserver refuses invalid objects, naming the field', () => {
  it.each(REFUSALS)('$name', async ({ object, field, reason }) => {
    const result = await apply(object);
    expect(result.code, result.stdout).not.toBe(0);
    expect(result.stderr).toContain(field);
    expect(result.stderr).toContain(reason);
    const metadata = object.metadata as { name: string };
    const lookup = await kubectl(['get', String(object.kind), metadata.name, '--namespace', NAMESPACE]);
    expect(lookup.stderr).toContain('NotFound');
  });

  it('refuses a change to a TrainingRun spec but not to its labels', async () => {
    const run = trainingRun('run-frozen', { forecastModel: 'btc', market: { ...market, lookback: 500 } });
    await kubectlOk(['create', '-f', '-'], JSON.stringify(run));
    const changed = await apply(trainingRun('run-frozen', { forecastModel: 'btc', market: { ...market, lookback: 600 } }));
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('spec: Invalid value');
    expect(changed.stderr).toContain('TrainingRun spec is immutable');
    await kubectlOk(['label', 'trainingrun', 'run-frozen', '--namespace', NAMESPACE, 'team=quant']);
    expect((await read('trainingrun', 'run-frozen')).spec).toMatchObject({ market: { lookback: 500 } });
  });
});

describe('the apiserver accepts valid objects', () => {
  it('fills in the same defaults the operator resolves', async () => {
    const spec = { market };
    await kubectlOk(['apply', '-f', '-'], JSON.stringify(forecastModel('defaults', spec)));
    const stored = (await read('forecastmodel', 'defaults')).spec;
    // serving.replicas has no schema default (the rule against replicas with autoscaling must see whether the user
    // set it); the operator resolves it to 1.
    const { serving: { replicas, ...serving }, ...resolved } = JSON.parse(JSON.stringify(resolveForecastModelSpec(spec)));
    expect(replicas).toBe(1);
    expect(stored).toEqual({ ...resolved, serving });
    expect(stored).toMatchObject({ market: { timeframe: '1h', lookback: 8760 }, model: { quantiles: [0.1, 0.5, 0.9] }, promotion: { policy: 'BeatBaseline', metric: 'mase' } });
  });

  it('fills in a hand-written TrainingRun as a Manual retrain', async () => {
    const spec = { forecastModel: 'defaults', market };
    await kubectlOk(['apply', '-f', '-'], JSON.stringify(trainingRun('manual', spec)));
    expect((await read('trainingrun', 'manual')).spec).toEqual(JSON.parse(JSON.stringify(resolveTrainingRunSpec(spec))));
  });

  it('admits the example ForecastModel', async () => {
    const documents = parseAllDocuments(readFileSync(join(REPO, 'examples/btc-forecast.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: object });
    const example = documents.find((d) => d.kind === 'ForecastModel')!;
    await kubectlOk(['apply', '--dry-run=server', '-f', '-'], JSON.stringify({ ...example, metadata: { ...example.metadata, namespace: NAMESPACE } }));
  });

  it.each(['@hourly', '@daily', '0 */6 * * *', '*/15 9-17 * * MON-FRI', '30 0 */6 * * *', '0 0 L * *', '0 0 * * 5L', '0 0 * * 1#2', '0 0 1 jan,jul *', '0  */6  *  *  *'])(
    'admits the schedule %s',
    async (schedule) => {
      await kubectlOk(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(forecastModel('schedule', { market, training: { schedule } })));
    },
  );

  it('admits retrainWhen with one bound or both, filling in minSamples and cooldown', async () => {
    await kubectlOk(['apply', '-f', '-'], JSON.stringify(forecastModel('drift', { market, training: { retrainWhen: { coverageBelow: 0.65 } } })));
    expect((await read('forecastmodel', 'drift')).spec).toMatchObject({ training: { retrainWhen: { coverageBelow: 0.65, minSamples: 100, cooldown: '24h' } } });
    const both = forecastModel('drift-both', { market, training: { retrainWhen: { coverageBelow: 0.65, maseAbove: 1.3, minSamples: 200, cooldown: '1h30m' } } });
    await kubectlOk(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(both));
  });

  it('admits every promotion policy with every metric it can compare', async () => {
    const model = forecastModel('promotion', { market, promotion: { policy: 'BeatCurrent', metric: 'coverage' } });
    await kubectlOk(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(model));
    await kubectlOk(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(forecastModel('promotion', { market, promotion: { policy: 'BeatBaseline', metric: 'skillVsNaive' } })));
  });
});

describe('server-side apply', () => {
  const applySsa = (spec: unknown) => kubectlOk(['apply', '--server-side', '--field-manager', 'platform-team', '-f', '-'], JSON.stringify(forecastModel('ssa', spec)));

  it('removes the node selector, tolerations and quantiles a later apply drops or changes', async () => {
    await applySsa({
      market,
      model: { quantiles: [0.1, 0.5, 0.9] },
      training: {
        nodeSelector: { pool: 'gpu', zone: 'a' },
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, { key: 'spot', operator: 'Equal', value: 'true' }],
      },
    });
    const first = (await read('forecastmodel', 'ssa')).spec as { training: Record<string, unknown> };
    expect(first.training.nodeSelector).toEqual({ pool: 'gpu', zone: 'a' });
    expect(first.training.tolerations).toHaveLength(2);

    await applySsa({ market, model: { quantiles: [0.25, 0.5, 0.75] }, training: { nodeSelector: { pool: 'cpu' }, tolerations: [{ key: 'spot', operator: 'Exists' }] } });
    const second = (await read('forecastmodel', 'ssa')).spec as { model: { quantiles: number[] }; training: Record<string, unknown> };
    expect(second.training.nodeSelector).toEqual({ pool: 'cpu' });
    expect(second.training.tolerations).toEqual([{ key: 'spot', operator: 'Exists' }]);
    expect(second.model.quantiles).toEqual([0.25, 0.5, 0.75]);

    await applySsa({ market });
    const third = (await read('forecastmodel', 'ssa')).spec as { model: { quantiles: number[] }; training: Record<string, unknown> };
    expect(third.training).not.toHaveProperty('nodeSelector');
    expect(third.training).not.toHaveProperty('tolerations');
    expect(third.model.quantiles).toEqual([0.1, 0.5, 0.9]);
  });
});
