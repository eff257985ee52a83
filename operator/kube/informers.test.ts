import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { resolveForecastModelSpec } from '../../core/crd/resolve.ts';
import { buildInferenceDeployment, deployedModelOf } from '../builders/inference.ts';
import { forecastModelFixture, GOOD_METRICS } from '../test-support/fixtures.ts';
import { createOperatorInformers } from './informers.ts';
import type { DeploymentObject } from './objects.ts';
import type { KubeRest } from './rest-client.ts';

describe('createOperatorInformers', () => {
  it('keeps in the Deployment cache which model the pod template serves, and little else', () => {
    const informers = createOperatorInformers({
      rest: {} as KubeRest,
      kubeConfig: new KubeConfig(),
      namespaces: [],
      resyncMs: 60_000,
      log: createLogger({ name: 'test', level: 'silent' }),
      routing: { forecastModelChanged: () => undefined, trainingRunChanged: () => undefined },
    });
    const fm = forecastModelFixture();
    const model = { version: 'btc-1', uri: 's3://models/markets/btc/btc-1/', trainingRun: 'btc-1', trainedAt: '2026-01-01T00:10:00Z', ...GOOD_METRICS };
    const built = buildInferenceDeployment(fm, resolveForecastModelSpec(fm.spec), model, { image: 'server:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', tokenSecretName: 'tokens', defaultResources: {}, clusterDomain: 'cluster.local' });
    informers.deployments.upsert({ ...built, metadata: { ...built.metadata, resourceVersion: '7' } } as DeploymentObject);
    const cached = informers.deployments.get('markets', 'btc-forecast');
    expect(deployedModelOf(cached)).toEqual({ version: 'btc-1', uri: 's3://models/markets/btc/btc-1/' });
    expect(cached?.spec?.replicas).toBe(1);
    expect(JSON.stringify(cached)).not.toContain('readinessProbe');
  });
});
