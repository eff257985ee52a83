/**
 * End-to-end harness for the operator: the fake API server with the generated CRDs, the Job and Deployment
 * simulators, and the operator itself (in this process), sharing one adjustable clock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createLogger } from '../../core/logger.ts';
import { parseOperatorConfig } from '../../operator/config.ts';
import { createOperator, type Operator } from '../../operator/operator.ts';
import { createKubeRest, type KubeRest } from '../../operator/kube/rest-client.ts';
import { startFakeKubeApiServer, type FakeKubeApiServer, type KubeObject } from '../fake-kube/index.ts';
import { startDeploymentSimulator, type DeploymentSimulator } from './deployment-simulator.ts';
import { startJobSimulator, type JobSimulator, type TrainerRunner } from './job-simulator.ts';

/** Wall-clock time shifted by an offset the test moves forward. */
export interface AdjustableClock {
  now(): Date;
  advance(ms: number): void;
}

/** A clock that runs with real time and can jump ahead. */
export function adjustableClock(): AdjustableClock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

/** The generated CRDs, parsed. */
export function generatedCrds(): object[] {
  const root = join(import.meta.dirname, '..', '..', 'crds');
  return ['forecastmodels.forecasting.makeusrich.io.yaml', 'trainingruns.forecasting.makeusrich.io.yaml'].map((file) => parse(readFileSync(join(root, file), 'utf8')) as object);
}

/** Options of startOperatorHarness. */
export interface OperatorHarnessOptions {
  readonly runTrainer: TrainerRunner;
  readonly deploymentMode: 'process' | 'instant';
  readonly deploymentEnv?: Record<string, string>;
  /** Operator environment on top of the harness defaults. */
  readonly operatorEnv?: Record<string, string>;
  /** S3 settings stored in the namespace's `mur-s3` Secret. */
  readonly s3Secret?: Record<string, string>;
  readonly namespace?: string;
}

/** A running harness. */
export interface OperatorHarness {
  readonly server: FakeKubeApiServer;
  readonly jobs: JobSimulator;
  readonly deployments: DeploymentSimulator;
  readonly clock: AdjustableClock;
  readonly namespace: string;
  /** Environment the operator is configured from (for starting it as a child process). */
  readonly operatorEnv: Record<string, string>;
  operator(): Operator | undefined;
  startOperator(): Promise<Operator>;
  stopOperator(): Promise<void>;
  /** A user's view of the API (what kubectl does): plain REST against the fake server. */
  readonly kube: KubeRest;
  /** `kubectl apply` of a new object: create it through the API. */
  apply(object: KubeObject): Promise<KubeObject>;
  /** `kubectl patch --type merge` of a ForecastModel or TrainingRun (plural given). */
  patch(plural: 'forecastmodels' | 'trainingruns', name: string, patch: unknown): Promise<KubeObject>;
  /** `kubectl delete` of a ForecastModel or TrainingRun. */
  remove(plural: 'forecastmodels' | 'trainingruns', name: string): Promise<void>;
  get(apiVersion: string, kind: string, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, labelSelector?: string): KubeObject[];
  /** Poll until `check` returns a value other than undefined/false; fails with `what` after the timeout. */
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Start the fake cluster, the simulators and (not yet) the operator. */
export async function startOperatorHarness(options: OperatorHarnessOptions): Promise<OperatorHarness> {
  const clock = adjustableClock();
  const namespace = options.namespace ?? 'markets';
  const server = await startFakeKubeApiServer({ crds: generatedCrds(), clock, namespaces: ['default', 'make-us-rich', namespace], bookmarkIntervalMs: 1000 });
  const encode = (data: Record<string, string>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-s3', namespace }, data: encode(options.s3Secret ?? {}) } as KubeObject);
  server.store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-api-tokens', namespace }, data: encode({ desk: 'test-token-0123456789abcdef' }) } as KubeObject);
  const jobs = startJobSimulator({ server, runTrainer: options.runTrainer });
  const deployments = startDeploymentSimulator({ server, mode: options.deploymentMode, ...(options.deploymentEnv ? { extraEnv: options.deploymentEnv } : {}) });
  const operatorEnv: Record<string, string> = {
    MUR_TRAINER_IMAGE: 'ghcr.io/make-us-rich/trainer:test',
    MUR_SERVER_IMAGE: 'ghcr.io/make-us-rich/server:test',
    MUR_ARTIFACT_BASE_URI: 's3://artifacts/',
    MUR_OPERATOR_NAMESPACE: 'make-us-rich',
    MUR_LEADER_ELECT: 'false',
    MUR_WORKERS: '4',
    MUR_RESYNC_SECONDS: '3600',
    MUR_LOG_LEVEL: 'warn',
    MUR_POD_NAME: 'operator-test',
    KUBECONFIG: server.kubeconfigPath,
    ...options.operatorEnv,
  };
  let operator: Operator | undefined;
  const kube = createKubeRest(server.kubeConfig);
  const crPath = (plural: string, name?: string) => `/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${namespace}/${plural}${name ? `/${name}` : ''}`;

  const harness: OperatorHarness = {
    server,
    jobs,
    deployments,
    clock,
    namespace,
    operatorEnv,
    operator: () => operator,
    kube,
    apply: (object) => kube.create<KubeObject>(crPath(object.kind === 'TrainingRun' ? 'trainingruns' : 'forecastmodels'), object),
    patch: (plural, name, patch) => kube.patch<KubeObject>(crPath(plural, name), patch, 'merge'),
    remove: (plural, name) => kube.delete(crPath(plural, name)),
    async startOperator() {
      operator = createOperator({
        config: parseOperatorConfig(operatorEnv),
        kubeConfig: server.kubeConfig,
        log: createLogger({ name: 'operator-under-test', level: operatorEnv.MUR_LOG_LEVEL ?? 'warn', destination: 2 }),
        now: () => clock.now(),
      });
      await operator.start();
      return operator;
    },
    async stopOperator() {
      await operator?.stop();
      operator = undefined;
    },
    get: (apiVersion, kind, name) => server.store.get({ apiVersion, kind, namespace, name }),
    list: (apiVersion, kind, labelSelector) => server.store.list({ apiVersion, kind, namespace, ...(labelSelector ? { labelSelector } : {}) }),
    async waitFor(what, check, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await operator?.stop();
      await jobs.stop();
      await deployments.stop();
      await server.close();
    },
  };
  return harness;
}
