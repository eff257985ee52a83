import { describe, expect, it } from 'vitest';
import type { ServedModel } from '../../core/crd/forecast-model.ts';
import { resolveForecastModelSpec, resolveTrainingRunSpec } from '../../core/crd/resolve.ts';
import { ANNOTATIONS, LABELS } from '../naming.ts';
import { forecastModelFixture, GOOD_METRICS, trainingRunFixture } from '../test-support/fixtures.ts';
import { buildInferenceDeployment, type InferenceOptions } from './inference.ts';
import { effectivePlacement } from './pod-placement.ts';
import { buildTrainingJob, GPU_RESOURCE } from './training-job.ts';

const placement = {
  nodeSelector: { pool: 'ml' },
  tolerations: [{ key: 'dedicated', operator: 'Equal' as const, value: 'ml', effect: 'NoSchedule' as const }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['a'] }] }] } } },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' as const }],
  priorityClassName: 'forecasting',
  serviceAccountName: 'forecaster',
  imagePullSecrets: [{ name: 'registry' }],
  podAnnotations: { 'example.com/team': 'desk', [ANNOTATIONS.modelVersion]: 'spoofed' },
  podLabels: { team: 'desk', [LABELS.instance]: 'spoofed' },
};
const model: ServedModel = { version: 'btc-1', uri: 's3://models/btc-1/', trainingRun: 'btc-1', trainedAt: '2026-01-01T00:10:00Z', ...GOOD_METRICS };
const inference: InferenceOptions = { image: 'server:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', tokenSecretName: 'mur-api-tokens', defaultResources: {}, clusterDomain: 'cluster.local' };
const trainer = { image: 'trainer:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', artifactUri: 's3://models/btc-1/', ttlSecondsAfterFinished: 60, defaultResources: {} };

describe('placement of the inference pods', () => {
  const fm = forecastModelFixture({ serving: placement as never });
  const deployment = buildInferenceDeployment(fm, resolveForecastModelSpec(fm.spec), model, inference);
  const template = deployment.spec!.template;

  it('puts every placement field on the pod template', () => {
    expect(template.spec).toMatchObject({ nodeSelector: { pool: 'ml' }, tolerations: placement.tolerations, affinity: placement.affinity, priorityClassName: 'forecasting', serviceAccountName: 'forecaster', imagePullSecrets: [{ name: 'registry' }] });
    expect(template.spec!.automountServiceAccountToken).toBe(false);
  });

  it('spreads the Deployment\'s own pods when a constraint names no selector', () => {
    expect(template.spec!.topologySpreadConstraints![0]!.labelSelector).toEqual(deployment.spec!.selector);
  });

  it('adds user labels and annotations, but the operator\'s own keys win so the selector keeps matching', () => {
    expect(template.metadata!.labels).toMatchObject({ team: 'desk', [LABELS.instance]: 'btc-forecast' });
    expect(template.metadata!.labels).toMatchObject(deployment.spec!.selector!.matchLabels!);
    expect(template.metadata!.annotations).toEqual({ 'example.com/team': 'desk', [ANNOTATIONS.modelVersion]: 'btc-1' });
  });

  it('uses operator-wide defaults per field when the ForecastModel sets none', () => {
    const plain = forecastModelFixture({ serving: { nodeSelector: { pool: 'own' }, podLabels: { team: 'desk' } } as never });
    const pod = buildInferenceDeployment(plain, resolveForecastModelSpec(plain.spec), model, { ...inference, defaultPlacement: { nodeSelector: { pool: 'default' }, priorityClassName: 'serving', podLabels: { cost: 'shared' } } }).spec!.template;
    expect(pod.spec).toMatchObject({ nodeSelector: { pool: 'own' }, priorityClassName: 'serving' });
    expect(pod.metadata!.labels).toMatchObject({ cost: 'shared', team: 'desk' });
  });
});

describe('placement of the trainer pods', () => {
  function job(training: Record<string, unknown>, defaults = {}) {
    const run = trainingRunFixture('btc-1', { spec: { training } as never });
    return buildTrainingJob(run, resolveTrainingRunSpec(run.spec), { ...trainer, defaultPlacement: defaults });
  }

  it('puts every placement field on the Job\'s pod template, keeping the GPU toleration', () => {
    const template = job({ ...placement, gpu: true }).spec!.template;
    expect(template.spec).toMatchObject({ nodeSelector: { pool: 'ml' }, affinity: placement.affinity, priorityClassName: 'forecasting', serviceAccountName: 'forecaster', imagePullSecrets: [{ name: 'registry' }] });
    expect(template.spec!.tolerations).toEqual([...placement.tolerations, { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }]);
    expect(template.metadata!.labels).toMatchObject({ team: 'desk', [LABELS.trainingRun]: 'btc-1' });
    expect(template.metadata!.annotations).toMatchObject({ 'example.com/team': 'desk' });
    expect(template.spec!.topologySpreadConstraints![0]!.labelSelector!.matchLabels).toMatchObject({ [LABELS.forecastModel]: 'btc' });
  });

  it('falls back to the operator defaults', () => {
    expect(job({}, { tolerations: [{ key: 'batch', operator: 'Exists' }], serviceAccountName: 'trainer' }).spec!.template.spec).toMatchObject({ tolerations: [{ key: 'batch', operator: 'Exists' }], serviceAccountName: 'trainer' });
  });

  it('sets nothing when neither gives placement', () => {
    const spec = job({}).spec!.template.spec!;
    for (const field of ['nodeSelector', 'tolerations', 'affinity', 'topologySpreadConstraints', 'priorityClassName', 'serviceAccountName', 'imagePullSecrets']) expect(spec).not.toHaveProperty(field);
  });
});

describe('effectivePlacement', () => {
  it('replaces list and selector fields whole, merges labels and annotations', () => {
    expect(effectivePlacement({ tolerations: [] }, { tolerations: [{ key: 'a' }], podAnnotations: { a: '1' } })).toEqual({ tolerations: [], podAnnotations: { a: '1' } });
  });
});
