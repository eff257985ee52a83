/**
 * End-to-end harness for the operator on the real control plane (test/cluster/global-setup.ts): a fresh
 * namespace enforcing Pod Security "restricted" whose Pods the scheduler places on this test's process
 * kubelet, the S3 and API-token Secrets, and the operator itself authenticated as its own ServiceAccount with
 * the RBAC we ship, watching only this namespace and sharing one adjustable clock with the test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { parseOperatorConfig } from '../../operator/config.ts';
import type { KubeObject as OperatorKubeObject } from '../../operator/kube/objects.ts';
import { createKubeRest, isApiStatus, KubeApiError, type KubeRest } from '../../operator/kube/rest-client.ts';
import { servingName } from '../../operator/naming.ts';
import { createOperator, type Operator } from '../../operator/operator.ts';
import { OPERATOR_IDENTITY } from '../../local-cluster/bootstrap.ts';
import { readControlPlaneFailure, tokenKubeconfig } from '../../local-cluster/control-plane.ts';
import type { ClusterTestContext } from '../cluster/global-setup.ts';
import type { ContainerRuntime } from '../../local-cluster/kubelet/container-runtime.ts';
import { startProcessKubelet, type ProcessKubelet } from '../../local-cluster/kubelet/process-kubelet.ts';
import { runKubectl, type KubectlResult } from './kubectl.ts';

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

/** An object as a test reads it: the operator's KubeObject, open for asserting a `{ spec }` or `{ status }` shape. */
export interface KubeObject extends OperatorKubeObject {
  readonly spec?: unknown;
  readonly status?: unknown;
  readonly [field: string]: unknown;
}

/** The API token the harness stores in the namespace's `mur-api-tokens` Secret. */
export const TEST_API_TOKEN = 'test-token-0123456789abcdef';

/** Options of startClusterHarness. */
export interface ClusterHarnessOptions {
  /** How the process kubelet runs containers: real entrypoints, or prepared outcomes. */
  readonly runtime: ContainerRuntime;
  /** Operator environment on top of the harness defaults. */
  readonly operatorEnv?: Record<string, string>;
  /** S3 settings stored in the namespace's `mur-s3` Secret. */
  readonly s3Secret?: Record<string, string>;
  /** Advertise this many nvidia.com/gpu on the test's node. */
  readonly gpus?: number;
  /** Create the `mur-s3` and `mur-api-tokens` Secrets (default true; a Helm release brings its own). */
  readonly secrets?: boolean;
  /**
   * Why 403 answers to the operator are expected in this test (an apiserver restarting answers 403 until its
   * RBAC caches fill); the test then checks them itself. Without it, any 403 fails the test.
   */
  readonly forbiddenExpected?: string;
  /** Point the operator at another apiserver address: a TCP proxy in front of the shared one, or the test's own. */
  readonly operatorApiServer?: { readonly server: string; readonly caPem?: string };
}

/** A running harness. */
export interface ClusterHarness {
  readonly cluster: ClusterTestContext;
  readonly namespace: string;
  readonly kubelet: ProcessKubelet;
  readonly clock: AdjustableClock;
  /** A user's view of the API (what kubectl does), as cluster admin. */
  readonly admin: KubeRest;
  /** Environment the operator is configured from (also for starting it as a child process). */
  readonly operatorEnv: Record<string, string>;
  operator(): Operator | undefined;
  /** Start the operator in this process; `identity` names it in the Lease and Events. */
  startOperator(identity?: string): Promise<Operator>;
  stopOperator(): Promise<void>;
  /** `kubectl create` of a namespaced object of ours or Kubernetes'. */
  apply(object: KubeObject): Promise<KubeObject>;
  /** `kubectl patch --type merge` of a ForecastModel or TrainingRun. */
  patch(plural: 'forecastmodels' | 'trainingruns', name: string, patch: unknown): Promise<KubeObject>;
  /** `kubectl delete` of a ForecastModel or TrainingRun. */
  remove(plural: 'forecastmodels' | 'trainingruns', name: string): Promise<void>;
  get(apiVersion: string, kind: string, name: string): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, labelSelector?: string): Promise<KubeObject[]>;
  /** The namespace's Events, oldest first. */
  events(): Promise<(KubeObject & { reason: string; type: string; message: string })[]>;
  /** Poll until `check` returns a value other than undefined/false; fails with `what` after the timeout. */
  waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  /** The real kubectl (the control plane's version) as cluster admin, in this namespace. */
  kubectl(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  close(): Promise<void>;
}

/** The REST path of a namespaced kind (our CRDs and the built-in kinds the tests read). */
export function resourcePathOf(apiVersion: string, kind: string, namespace: string, name?: string): string {
  const plural = `${kind.toLowerCase()}s`;
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${prefix}/namespaces/${namespace}/${plural}${name ? `/${name}` : ''}`;
}

/** True for an unreachable apiserver or a 5xx answer: what a restart or a cut connection looks like to a client. */
export function isTransientApiError(error: unknown): boolean {
  if (error instanceof KubeApiError) return error.status >= 500 || error.status === 429;
  return error instanceof Error && /unreachable/.test(error.message);
}

/** Fail with the control plane's own words when one of its components died. */
export function assertControlPlaneAlive(cluster: ClusterTestContext): void {
  const failure = readControlPlaneFailure(cluster.failureFile);
  if (failure) throw new Error(`the control plane is broken:\n${failure}`);
}

/** Forbidden (403) answers the operator got, from its own request counter. */
async function forbiddenRequests(operator: Operator): Promise<number> {
  const metric = await operator.metrics.apiRequests.get();
  return metric.values.filter((v) => v.labels.code === '403').reduce((sum, v) => sum + v.value, 0);
}

/** Create the namespace, Secrets and process kubelet; the operator starts with startOperator(). */
export async function startClusterHarness(options: ClusterHarnessOptions): Promise<ClusterHarness> {
  const cluster = inject('controlPlane');
  assertControlPlaneAlive(cluster);
  const pool = process.env.VITEST_POOL_ID ?? '1';
  const nodeName = options.gpus ? `mur-gpu-node-${pool}` : `mur-node-${pool}`;
  const nodeToken = cluster.nodeTokens[nodeName];
  if (!nodeToken) throw new Error(`no process kubelet token for ${nodeName}`);
  const namespace = `t-${randomBytes(4).toString('hex')}`;
  const adminConfig = new KubeConfig();
  adminConfig.loadFromFile(cluster.adminKubeconfigPath);
  const admin = createKubeRest(adminConfig);
  await admin.create('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespace,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
      // PodNodeSelector admission: every Pod of this namespace lands on this test's process kubelet.
      annotations: { 'scheduler.alpha.kubernetes.io/node-selector': `makeusrich.io/node=${nodeName}` },
    },
  });
  const encode = (data: Record<string, string>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  if (options.secrets !== false) {
    await admin.create(`/api/v1/namespaces/${namespace}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-s3' }, data: encode(options.s3Secret ?? {}) });
    await admin.create(`/api/v1/namespaces/${namespace}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mur-api-tokens' }, data: encode({ desk: TEST_API_TOKEN }) });
  }
  const kubelet = await startProcessKubelet({
    server: cluster.server,
    caPem: cluster.caPem,
    token: nodeToken,
    nodeName,
    ...(options.gpus ? { gpus: options.gpus } : {}),
    runtime: options.runtime,
    pidsFile: join(cluster.dir, 'pids'),
  });

  const scratch = mkdtempSync(join(tmpdir(), 'mur-operator-'));
  const operatorKubeconfig = join(scratch, 'kubeconfig');
  writeFileSync(operatorKubeconfig, tokenKubeconfig(options.operatorApiServer?.server ?? cluster.server, options.operatorApiServer?.caPem ?? cluster.caPem, cluster.operatorToken, 'make-us-rich-operator'), { mode: 0o600 });
  const clock = adjustableClock();
  const operatorEnv: Record<string, string> = {
    MUR_TRAINER_IMAGE: 'ghcr.io/make-us-rich/trainer:test',
    MUR_SERVER_IMAGE: 'ghcr.io/make-us-rich/server:test',
    MUR_ARTIFACT_BASE_URI: 's3://artifacts/',
    MUR_OPERATOR_NAMESPACE: OPERATOR_IDENTITY.namespace,
    MUR_WATCH_NAMESPACES: namespace,
    MUR_LEASE_NAME: `operator-${namespace}`,
    MUR_LEADER_ELECT: 'false',
    MUR_WORKERS: '4',
    MUR_RESYNC_SECONDS: '3600',
    MUR_LOG_LEVEL: 'warn',
    MUR_POD_NAME: 'operator-test',
    KUBECONFIG: operatorKubeconfig,
    ...options.operatorEnv,
  };
  const operators = new Set<Operator>();
  let current: Operator | undefined;
  let forbidden = 0;

  const harness: ClusterHarness = {
    cluster,
    namespace,
    kubelet,
    clock,
    admin,
    operatorEnv,
    operator: () => current,
    async startOperator(identity = operatorEnv.MUR_POD_NAME!) {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(operatorKubeconfig);
      const operator = createOperator({
        config: parseOperatorConfig({ ...operatorEnv, MUR_POD_NAME: identity }),
        kubeConfig,
        log: createLogger({ name: identity, level: operatorEnv.MUR_LOG_LEVEL ?? 'warn', destination: 2 }),
        now: () => clock.now(),
        // No Service network here: status.endpoint's DNS name resolves nowhere, the kubelet's Service proxies route instead.
        liveMetricsUrl: async (fm) => (fm.status?.endpoint ? `${await kubelet.serviceUrl(namespace, servingName(fm.metadata.name), { timeoutMs: 2_000 })}/metrics` : undefined),
      });
      operators.add(operator);
      await operator.start();
      current = operator;
      return operator;
    },
    async stopOperator() {
      if (!current) return;
      forbidden += await forbiddenRequests(current);
      await current.stop();
      operators.delete(current);
      current = undefined;
    },
    apply(object) {
      if (!object.apiVersion || !object.kind) throw new Error('apply needs apiVersion and kind');
      return admin.create<KubeObject>(resourcePathOf(object.apiVersion, object.kind, namespace), object);
    },
    patch: (plural, name, patch) => admin.patch<KubeObject>(`/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${namespace}/${plural}/${name}`, patch, 'merge'),
    remove: (plural, name) => admin.delete(`/apis/forecasting.makeusrich.io/v1alpha1/namespaces/${namespace}/${plural}/${name}`),
    async get(apiVersion, kind, name) {
      try {
        return await admin.get<KubeObject>(resourcePathOf(apiVersion, kind, namespace, name));
      } catch (error) {
        if (isApiStatus(error, 404)) return undefined;
        throw error;
      }
    },
    async list(apiVersion, kind, labelSelector) {
      const answer = await admin.list<KubeObject>(resourcePathOf(apiVersion, kind, namespace), labelSelector ? { labelSelector } : undefined);
      return answer.items.map((item) => ({ ...item, apiVersion, kind }));
    },
    async events() {
      const answer = await admin.list<KubeObject & { reason: string; type: string; message: string }>(`/api/v1/namespaces/${namespace}/events`);
      return answer.items;
    },
    async waitFor(what, check, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        assertControlPlaneAlive(cluster);
        let value: Awaited<ReturnType<typeof check>> = undefined;
        try {
          value = await check();
        } catch (error) {
          // A test may restart the apiserver or cut connections: only an answer the server really gave fails the wait.
          if (!isTransientApiError(error)) throw error;
        }
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kubectl: (args, stdin) => runKubectl(cluster.kubectl, cluster.adminKubeconfigPath, ['--namespace', namespace, ...args], stdin),
    async close() {
      for (const operator of operators) {
        forbidden += await forbiddenRequests(operator);
        await operator.stop();
      }
      operators.clear();
      current = undefined;
      await kubelet.stop();
      rmSync(scratch, { recursive: true, force: true });
      // The namespace controller removes what is left; the run's control plane is thrown away afterwards.
      await admin.delete(`/api/v1/namespaces/${namespace}`).catch(() => undefined);
      assertControlPlaneAlive(cluster);
      if (forbidden > 0 && !options.forbiddenExpected) throw new Error(`the operator's requests were refused ${forbidden} times (403): the RBAC we ship is not enough`);
    },
  };
  return harness;
}
