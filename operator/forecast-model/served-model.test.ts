import { describe, expect, it } from 'vitest';
import { resolveForecastModelSpec } from '../../core/crd/resolve.ts';
import { buildInferenceDeployment } from '../builders/inference.ts';
import { forecastModelFixture, GOOD_METRICS, succeededRunStatus, trainingRunFixture } from '../test-support/fixtures.ts';
import { observedServedModel, servedModelOf } from './served-model.ts';

const inference = { image: 'server:1', imagePullPolicy: 'IfNotPresent', s3SecretName: 'mur-s3', tokenSecretName: 'tokens', defaultResources: {}, clusterDomain: 'cluster.local' };
const fm = forecastModelFixture();
const run = (name: string, promoted?: boolean, at = '2026-01-01T00:00:05Z') =>
  trainingRunFixture(name, { status: succeededRunStatus(name, GOOD_METRICS, promoted === undefined ? {} : { promoted }), meta: { creationTimestamp: at } });
const deploymentServing = (name: string) => buildInferenceDeployment(fm, resolveForecastModelSpec(fm.spec), servedModelOf(run(name))!, inference) as never;

describe('observedServedModel', () => {
  it('takes the model the Deployment serves over the one status records', () => {
    const runs = [run('btc-2', undefined, '2026-01-01T00:20:00Z'), run('btc-1', true)];
    expect(observedServedModel(servedModelOf(run('btc-1'))!, runs, deploymentServing('btc-2'))?.trainingRun).toBe('btc-2');
  });

  it('keeps the recorded model when it is what the Deployment serves, or when the Deployment names no known run', () => {
    const recorded = { ...servedModelOf(run('btc-1'))!, trainedAt: 'as recorded' };
    expect(observedServedModel(recorded, [run('btc-1', true)], deploymentServing('btc-1'))).toBe(recorded);
    expect(observedServedModel(recorded, [run('btc-1', true)], deploymentServing('btc-9'))).toBe(recorded);
  });

  it('falls back to the newest run marked promoted, never one being deleted', () => {
    const deleting = { ...run('btc-3', true, '2026-01-01T00:30:00Z'), metadata: { ...run('btc-3').metadata, creationTimestamp: '2026-01-01T00:30:00Z', deletionTimestamp: '2026-01-01T00:31:00Z' } };
    const runs = [deleting, run('btc-2', false, '2026-01-01T00:20:00Z'), run('btc-1', true)];
    expect(observedServedModel(undefined, runs, undefined)?.trainingRun).toBe('btc-1');
    expect(observedServedModel(undefined, [run('btc-2', false)], undefined)).toBeUndefined();
  });
});
