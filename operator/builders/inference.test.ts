import { describe, expect, it } from 'vitest';
import type { ServedModel } from '../../core/crd/forecast-model.ts';
import { resolveForecastModelSpec } from '../../core/crd/resolve.ts';
import { ANNOTATIONS } from '../naming.ts';
import { forecastModelFixture, GOOD_METRICS } from '../test-support/fixtures.ts';
import { buildInferenceDeployment, buildInferenceDisruptionBudget, buildInferenceService, desiredHashOf, inferenceEndpoint, type InferenceOptions } from './inference.ts';

const options: InferenceOptions = {
  image: 'ghcr.io/mur/server:1.0.0',
  imagePullPolicy: 'IfNotPresent',
  s3SecretName: 'mur-s3',
  tokenSecretName: 'mur-api-tokens',
  defaultResources: { requests: { cpu: '100m' } },
  clusterDomain: 'cluster.local',
};

const model = (version: string): ServedModel => ({
  version,
  uri: `s3://models/markets/btc/${version}/`,
  trainingRun: version,
  trainedAt: '2026-01-01T00:10:00Z',
  ...GOOD_METRICS,
});

describe('buildInferenceDeployment', () => {
  const fm = forecastModelFixture({ serving: { replicas: 2, tokenSecretRef: { name: 'desk-tokens' } } as never });
  const spec = resolveForecastModelSpec(fm.spec);
  const deployment = buildInferenceDeployment(fm, spec, model('btc-1'), options);
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;

  it('points the server at the model and puts the version in the pod template', () => {
    const env = Object.fromEntries(container.env!.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ MODEL_URI: 's3://models/markets/btc/btc-1/', MODEL_VERSION: 'btc-1', PORT: '8080' });
    expect(deployment.spec!.template.metadata!.annotations![ANNOTATIONS.modelVersion]).toBe('btc-1');
  });

  it('rolls a new model without losing capacity', () => {
    expect(deployment.spec!.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(deployment.spec!.replicas).toBe(2);
  });

  it('gates traffic on /readyz and mounts the named token Secret as files', () => {
    expect(container.readinessProbe!.httpGet!.path).toBe('/readyz');
    expect(pod.volumes!.find((v) => v.name === 'tokens')!.secret!.secretName).toBe('desk-tokens');
    expect(container.volumeMounts!.find((m) => m.name === 'tokens')).toMatchObject({ readOnly: true });
    expect(container.envFrom).toEqual([{ secretRef: { name: 'mur-s3' } }]);
  });

  it('changes its desired hash when the model changes, and only then', () => {
    const again = buildInferenceDeployment(fm, spec, model('btc-1'), options);
    const next = buildInferenceDeployment(fm, spec, model('btc-2'), options);
    expect(desiredHashOf(again)).toBe(desiredHashOf(deployment));
    expect(desiredHashOf(next)).not.toBe(desiredHashOf(deployment));
  });

  it('is owned by the ForecastModel', () => {
    expect(deployment.metadata!.ownerReferences![0]).toMatchObject({ kind: 'ForecastModel', name: 'btc', uid: 'fm-uid', controller: true });
  });
});

describe('inference Service, PodDisruptionBudget and endpoint', () => {
  it('exposes port 80 to the pods selected by the Deployment', () => {
    const fm = forecastModelFixture();
    const service = buildInferenceService(fm);
    const deployment = buildInferenceDeployment(fm, resolveForecastModelSpec(fm.spec), model('btc-1'), options);
    expect(service.spec!.selector).toEqual(deployment.spec!.selector!.matchLabels);
    expect(service.spec!.ports![0]).toMatchObject({ port: 80, targetPort: 'http' });
    expect(inferenceEndpoint(fm, 'cluster.local')).toBe('http://btc-forecast.markets.svc.cluster.local');
  });

  it('adds a PodDisruptionBudget only above one replica', () => {
    const one = forecastModelFixture();
    expect(buildInferenceDisruptionBudget(one, resolveForecastModelSpec(one.spec))).toBeUndefined();
    const three = forecastModelFixture({ serving: { replicas: 3 } as never });
    expect(buildInferenceDisruptionBudget(three, resolveForecastModelSpec(three.spec))!.spec).toMatchObject({ maxUnavailable: 1 });
  });
});
