import { describe, expect, it } from 'vitest';
import { resolveTrainingRunSpec } from '../../core/crd/resolve.ts';
import { parseTrainingSpec } from '../../core/spec.ts';
import { trainingRunFixture } from '../test-support/fixtures.ts';
import { buildTrainingJob, GPU_RESOURCE, type TrainingJobOptions } from './training-job.ts';

const options: TrainingJobOptions = {
  image: 'ghcr.io/mur/trainer:1.0.0',
  imagePullPolicy: 'IfNotPresent',
  s3SecretName: 'mur-s3',
  artifactUri: 's3://models/markets/btc/btc-1/',
  ttlSecondsAfterFinished: 3600,
  defaultResources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } },
};

function build(training: Record<string, unknown> = {}) {
  const run = trainingRunFixture('btc-1', { spec: { training } as never });
  return buildTrainingJob(run, resolveTrainingRunSpec(run.spec), options);
}

describe('buildTrainingJob', () => {
  it('names the Job after the run and makes the run its controller', () => {
    const job = build();
    expect(job.metadata?.name).toBe('btc-1-train');
    expect(job.metadata?.ownerReferences).toEqual([
      { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun', name: 'btc-1', uid: 'btc-1-uid', controller: true, blockOwnerDeletion: true },
    ]);
  });

  it('passes the contract environment: the spec the trainer parses, the artifact URI, S3 credentials from the Secret', () => {
    const container = build().spec!.template.spec!.containers[0]!;
    const env = Object.fromEntries(container.env!.map((e) => [e.name, e.value]));
    expect(parseTrainingSpec(JSON.parse(env.MUR_TRAINING_SPEC!)).market.symbol).toBe('BTC/USDT');
    expect(JSON.parse(env.MUR_TRAINING_SPEC!)).not.toHaveProperty('training');
    expect(env.MUR_ARTIFACT_URI).toBe('s3://models/markets/btc/btc-1/');
    expect(env.MUR_MODEL_VERSION).toBe('btc-1');
    expect(container.envFrom).toEqual([{ secretRef: { name: 'mur-s3' } }]);
    expect(JSON.stringify(container.env)).not.toMatch(/SECRET_ACCESS_KEY/);
  });

  it('names the served model for the test against it only when given one', () => {
    const run = trainingRunFixture('btc-2');
    const envOf = (job: ReturnType<typeof buildTrainingJob>) => Object.fromEntries(job.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value]));
    expect(envOf(buildTrainingJob(run, resolveTrainingRunSpec(run.spec), { ...options, servedModelUri: 's3://models/markets/btc/btc-1/' })).MUR_SERVED_MODEL_URI).toBe('s3://models/markets/btc/btc-1/');
    expect(envOf(build())).not.toHaveProperty('MUR_SERVED_MODEL_URI');
  });

  it('applies deadline, retries, TTL and the termination-message settings', () => {
    const job = build({ activeDeadlineSeconds: 900, backoffLimit: 2 });
    expect(job.spec).toMatchObject({ activeDeadlineSeconds: 900, backoffLimit: 2, ttlSecondsAfterFinished: 3600 });
    const container = job.spec!.template.spec!.containers[0]!;
    expect(container.terminationMessagePath).toBe('/dev/termination-log');
    expect(container.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(job.spec!.template.spec!.restartPolicy).toBe('Never');
  });

  it('runs restricted: non-root, no privilege escalation, no capabilities, read-only root', () => {
    const pod = build().spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0]!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('asks for no GPU by default and uses the default resources', () => {
    const pod = build().spec!.template.spec!;
    expect(pod.containers[0]!.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } });
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
  });

  it('adds a GPU limit, the GPU taint toleration and the node selector when asked', () => {
    const pod = build({ gpu: true, nodeSelector: { 'nvidia.com/gpu.present': 'true' }, resources: { requests: { cpu: 2 }, limits: { memory: '8Gi' } } }).spec!.template.spec!;
    expect(pod.containers[0]!.resources).toEqual({ requests: { cpu: '2' }, limits: { memory: '8Gi', [GPU_RESOURCE]: '1' } });
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(pod.tolerations).toEqual([{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }]);
  });

  it('keeps a user GPU toleration instead of adding a second one', () => {
    const pod = build({ gpu: true, tolerations: [{ key: GPU_RESOURCE, operator: 'Equal', value: 'a100', effect: 'NoSchedule' }] }).spec!.template.spec!;
    expect(pod.tolerations).toHaveLength(1);
    expect(pod.tolerations![0]!.value).toBe('a100');
  });

  it('is pure: the same run gives the same Job', () => {
    expect(build()).toEqual(build());
  });
});
