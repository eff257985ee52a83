import { describe, expect, it } from 'vitest';
import type { ServedModel } from '../../core/crd/forecast-model.ts';
import { resolveForecastModelSpec } from '../../core/crd/resolve.ts';
import { forecastModelFixture, GOOD_METRICS } from '../test-support/fixtures.ts';
import { buildInferenceAutoscaler } from './autoscaler.ts';
import { buildInferenceDeployment, buildInferenceDisruptionBudget, desiredHashOf } from './inference.ts';

const model: ServedModel = { version: 'btc-1', uri: 's3://models/btc-1/', trainingRun: 'btc-1', trainedAt: '2026-01-01T00:10:00Z', ...GOOD_METRICS };
const inference = { image: 'server:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', tokenSecretName: 't', defaultResources: {}, clusterDomain: 'cluster.local' };
const autoscaled = (autoscaling: Record<string, unknown>) => {
  const fm = forecastModelFixture({ serving: { autoscaling } as never });
  return { fm, spec: resolveForecastModelSpec(fm.spec) };
};

describe('buildInferenceAutoscaler', () => {
  it('targets the inference Deployment on CPU, owned by the ForecastModel', () => {
    const { fm, spec } = autoscaled({ minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 });
    const hpa = buildInferenceAutoscaler(fm, spec)!;
    expect(hpa).toMatchObject({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'btc-forecast', ownerReferences: [{ kind: 'ForecastModel', name: 'btc', controller: true }] } });
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'btc-forecast' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
  });

  it('exists only while autoscaling is asked for', () => {
    const fm = forecastModelFixture({ serving: { replicas: 3 } as never });
    expect(buildInferenceAutoscaler(fm, resolveForecastModelSpec(fm.spec))).toBeUndefined();
  });

  it('leaves the replica count to the autoscaler, so its scaling changes no desired hash', () => {
    const { fm, spec } = autoscaled({ maxReplicas: 4 });
    const deployment = buildInferenceDeployment(fm, spec, model, inference);
    expect(deployment.spec).not.toHaveProperty('replicas');
    const fixed = forecastModelFixture({ serving: { replicas: 1 } as never });
    expect(desiredHashOf(buildInferenceDeployment(fixed, resolveForecastModelSpec(fixed.spec), model, inference))).not.toBe(desiredHashOf(deployment));
  });

  it('gives a PodDisruptionBudget that follows minReplicas', () => {
    expect(buildInferenceDisruptionBudget(autoscaled({ maxReplicas: 4 }).fm, autoscaled({ maxReplicas: 4 }).spec)).toBeUndefined();
    const two = autoscaled({ minReplicas: 2, maxReplicas: 4 });
    expect(buildInferenceDisruptionBudget(two.fm, two.spec)!.spec).toMatchObject({ maxUnavailable: 1 });
  });
});
