/**
 * The process kubelet against a real control plane: pods bound to its node run as local processes (or prepared
 * stand-ins) and their status, as kubectl shows it, is what a real kubelet would report.
 */
import { KubeConfig, type V1Container, type V1Pod } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKubeRest, type KubeRest } from '../operator/kube/rest-client.ts';
import type { ContainerRuntime } from '../local-cluster/kubelet/container-runtime.ts';
import { preparedRuntime } from '../local-cluster/kubelet/prepared-runtime.ts';
import { startTestApiServer } from './support/extra-apiserver.ts';
import { startProcessKubelet, type ProcessKubelet } from '../local-cluster/kubelet/process-kubelet.ts';
import { processRuntime } from '../local-cluster/kubelet/process-runtime.ts';
import { isProcessAlive } from '../local-cluster/process-alive.ts';

const POOL = process.env.VITEST_POOL_ID ?? '1';
const NODE = `mur-node-${POOL}`;
const GPU_NODE = `mur-gpu-node-${POOL}`;
const SPARE_NODE = `mur-spare-node-${POOL}`;
const SPARE_NS = `kubelet-restart-test-${POOL}`;
const NS = 'kubelet-test';
const run = promisify(execFile);

const plane = inject('controlPlane');
let admin: KubeRest;
let kubelet: ProcessKubelet;
const kubeletLog: string[] = [];
const pidsSeen = new Set<number>();

/** Images whose name starts with `prepared/` run without a process; the rest are our fixtures as processes. */
const runtime: ContainerRuntime = (() => {
  const processes = processRuntime({
    images: {
      'mur-test-http': { entry: 'test/cluster/kubelet-fixtures/http-server.ts' },
      'mur-test-run-once': { entry: 'test/cluster/kubelet-fixtures/run-once.ts' },
    },
  });
  const prepared = preparedRuntime((launch) => ({ exitCode: 0, terminationMessage: `prepared ${launch.pod.metadata?.name}`, afterMs: 300 }));
  return (launch) => {
    const container = launch.container.image?.startsWith('prepared/') ? prepared(launch) : processes(launch);
    if (container.pid !== undefined) pidsSeen.add(container.pid);
    return container;
  };
})();

async function kubectlJson<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(plane.kubectl, ['--kubeconfig', plane.adminKubeconfigPath, ...args, '-o', 'json']);
  return JSON.parse(stdout) as T;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (${(last as Error | undefined)?.message ?? 'no match'})\n${kubeletLog.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}


/** A container meeting Pod Security "restricted". */
function restricted(container: V1Container): V1Container {
  return { ...container, securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } };
}

const podSecurity = { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } };

function pod(name: string, container: V1Container, spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { restartPolicy: 'Never', securityContext: podSecurity, containers: [restricted(container)], ...spec } };
}

const getPod = (name: string) => kubectlJson<V1Pod>('get', 'pod', name, '-n', NS);
const phaseIs = (name: string, phase: string) => async () => ((await getPod(name)).status?.phase === phase ? getPod(name) : undefined);

/** A namespace enforcing Pod Security "restricted" whose pods all land on `node`. */
async function createPinnedNamespace(name: string, node: string): Promise<void> {
  await admin.create('/api/v1/namespaces', {
    metadata: {
      name,
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      annotations: { 'scheduler.alpha.kubernetes.io/node-selector': `makeusrich.io/node=${node}` },
    },
  });
  await eventually('default service account', () => admin.get(`/api/v1/namespaces/${name}/serviceaccounts/default`));
}

beforeAll(async () => {
  const config = new KubeConfig();
  config.loadFromFile(plane.adminKubeconfigPath);
  admin = createKubeRest(config);
  const startedAt = Date.now();
  kubelet = await startProcessKubelet({
    server: plane.server,
    caPem: plane.caPem,
    token: plane.nodeTokens[NODE]!,
    nodeName: NODE,
    runtime,
    pidsFile: join(plane.dir, 'pids'),
    log: (line) => kubeletLog.push(line),
  });
  console.log(`kubelet registered and schedulable in ${Date.now() - startedAt} ms`);
  await createPinnedNamespace(NS, NODE);
  await admin.create(`/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'api-credentials' }, stringData: { API_USER: 'alice', password: 's3cret' } });
}, 180_000);

afterAll(async () => {
  await kubelet?.stop();
}, 180_000);

describe('process kubelet', () => {
  it('registers a Ready node with its labels and capacity, and renews its Lease', async () => {
    const node = await kubectlJson<{ metadata: { labels: Record<string, string> }; status: { conditions: { type: string; status: string }[]; capacity: Record<string, string> } }>('get', 'node', NODE);
    expect(node.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.metadata.labels).toMatchObject({ 'makeusrich.io/node': NODE, 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux' });
    // The API server writes quantities in canonical form: 1000 → 1k.
    expect(node.status.capacity).toMatchObject({ cpu: '1k', memory: '4000Gi', pods: '10k' });
    expect(node.status.capacity['nvidia.com/gpu']).toBeUndefined();
    const lease = await kubectlJson<{ spec: { holderIdentity: string; leaseDurationSeconds: number } }>('get', 'lease', NODE, '-n', 'kube-node-lease');
    expect(lease.spec).toMatchObject({ holderIdentity: NODE, leaseDurationSeconds: 40 });
  });

  it('runs a pod to completion with Secret env, a Secret volume and a projected service-account token', async () => {
    const created = Date.now();
    await admin.create(
      `/api/v1/namespaces/${NS}/pods`,
      pod('hello', {
        name: 'main',
        image: 'example.org/mur/mur-test-run-once:1',
        args: ['succeed'],
        envFrom: [{ secretRef: { name: 'api-credentials' } }],
        env: [
          { name: 'SECRET_DIR', value: '/etc/credentials' },
          { name: 'MUR_TERMINATION_MESSAGE_PATH', value: '/dev/termination-log' },
        ],
        volumeMounts: [{ name: 'credentials', mountPath: '/etc/credentials', readOnly: true }],
      }, { volumes: [{ name: 'credentials', secret: { secretName: 'api-credentials', items: [{ key: 'password', path: 'password' }], defaultMode: 0o440 } }] }),
    );
    const done = await eventually('hello Succeeded', phaseIs('hello', 'Succeeded'));
    console.log(`hello: created → Succeeded in ${Date.now() - created} ms`);
    const terminated = done.status!.containerStatuses![0]!.state!.terminated!;
    expect(terminated.exitCode).toBe(0);
    expect(terminated.reason).toBe('Completed');
    expect(terminated.message).toBe(`user=alice password=s3cret sa=system:serviceaccount:${NS}:default`);
    expect(done.status!.podIP).toBe('127.0.0.1');
    expect(kubelet.started).toContain(`${NS}/hello`);
  });

  it('reports a failing pod as Failed with its exit code and the tail of its output (FallbackToLogsOnError)', async () => {
    await admin.create(`/api/v1/namespaces/${NS}/pods`, pod('crash', { name: 'main', image: 'mur-test-run-once', args: ['fail'], terminationMessagePolicy: 'FallbackToLogsOnError' }));
    const failed = await eventually('crash Failed', phaseIs('crash', 'Failed'));
    const terminated = failed.status!.containerStatuses![0]!.state!.terminated!;
    expect(terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    const lines = terminated.message!.split('\n');
    expect(lines.at(-1)).toBe('line 100');
    expect(lines.length).toBeLessThanOrEqual(80);
    expect(failed.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('waits with CreateContainerConfigError while a Secret is missing, then runs once it appears', async () => {
    await admin.create(`/api/v1/namespaces/${NS}/pods`, pod('late', { name: 'main', image: 'prepared/late', envFrom: [{ secretRef: { name: 'late-secret' } }] }));
    // A real kubelet shows ContainerCreating first; the config error follows once it has looked for the Secret.
    const waiting = await eventually('late waiting with CreateContainerConfigError', async () => {
      const state = (await getPod('late')).status?.containerStatuses?.[0]?.state?.waiting;
      return state?.reason === 'CreateContainerConfigError' ? state : undefined;
    });
    expect(waiting).toMatchObject({ reason: 'CreateContainerConfigError', message: 'secret "late-secret" not found' });
    await admin.create(`/api/v1/namespaces/${NS}/secrets`, { metadata: { name: 'late-secret' }, stringData: { A: 'b' } });
    const done = await eventually('late Succeeded', phaseIs('late', 'Succeeded'));
    expect(done.status!.containerStatuses![0]!.state!.terminated!.message).toBe('prepared late');
  });

  it('restarts a crashing OnFailure container with backoff, counting restarts', async () => {
    await admin.create(`/api/v1/namespaces/${NS}/pods`, pod('flaky', { name: 'main', image: 'mur-test-run-once', args: ['fail'] }, { restartPolicy: 'OnFailure' }));
    const restarted = await eventually('flaky restarted', async () => {
      const current = await getPod('flaky');
      return (current.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? current : undefined;
    });
    expect(restarted.status!.phase).toBe('Running');
    expect(restarted.status!.containerStatuses![0]!.lastState!.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    await admin.delete(`/api/v1/namespaces/${NS}/pods/flaky`);
    await eventually('flaky gone', async () => ((await admin.list(`/api/v1/namespaces/${NS}/pods`, { fieldSelector: 'metadata.name=flaky' })).items.length === 0 ? true : undefined));
  });

  it('serves a Deployment: ready through its readiness probe, reachable through its Service, stopped with SIGTERM on delete', async () => {
    const marker = join(tmpdir(), `mur-kubelet-test-sigterm-${process.pid}`);
    rmSync(marker, { force: true });
    await admin.create(`/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: 'greeting' }, data: { greeting: 'hello' } });
    const labels = { app: 'web' };
    const created = Date.now();
    await admin.create(`/apis/apps/v1/namespaces/${NS}/deployments`, {
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: podSecurity,
            terminationGracePeriodSeconds: 20,
            containers: [
              restricted({
                name: 'web',
                image: 'registry.example/mur-test-http@sha256:0000',
                ports: [{ name: 'http', containerPort: 8080 }],
                env: [
                  { name: 'PORT', value: '8080' },
                  { name: 'READY_AFTER_MS', value: '1500' },
                  { name: 'GREETING_FILE', value: '/etc/greeting/greeting' },
                  { name: 'SIGTERM_MARKER', value: marker },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                ],
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 1 },
                livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 2 },
                volumeMounts: [{ name: 'greeting', mountPath: '/etc/greeting' }],
              }),
            ],
            volumes: [{ name: 'greeting', configMap: { name: 'greeting' } }],
          },
        },
      },
    });
    await admin.create(`/api/v1/namespaces/${NS}/services`, { metadata: { name: 'web' }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    const running = await eventually('web pod Running', async () => {
      const pods = await kubectlJson<{ items: V1Pod[] }>('get', 'pods', '-n', NS, '-l', 'app=web');
      return pods.items.find((p) => p.status?.phase === 'Running');
    });
    const runningMs = Date.now() - created;
    await eventually('web available', async () => ((await kubectlJson<{ status?: { availableReplicas?: number } }>('get', 'deployment', 'web', '-n', NS)).status?.availableReplicas === 1 ? true : undefined));
    console.log(`web: Deployment created → pod Running in ${runningMs} ms, → available (Ready) in ${Date.now() - created} ms`);
    const ready = (await getPod(running.metadata!.name!)).status!.conditions!.find((c) => c.type === 'Ready')!;
    expect(ready.status).toBe('True');
    expect(ready.reason).toBeUndefined();

    const url = await kubelet.serviceUrl(NS, 'web', { port: 'http' });
    const answer = (await (await fetch(url)).json()) as { pod: string; pid: number; greeting: string };
    expect(answer).toMatchObject({ pod: running.metadata!.name, greeting: 'hello' });
    expect(isProcessAlive(answer.pid)).toBe(true);

    // ConfigMap volumes follow the API without a restart.
    await admin.patch(`/api/v1/namespaces/${NS}/configmaps/greeting`, { data: { greeting: 'bonjour' } }, 'merge');
    await eventually('greeting refreshed', async () => (((await (await fetch(url)).json()) as { greeting: string }).greeting === 'bonjour' ? true : undefined), 20_000);

    const deleting = Date.now();
    await run(plane.kubectl, ['--kubeconfig', plane.adminKubeconfigPath, 'delete', 'deployment', 'web', '-n', NS]);
    await eventually('web process gone', async () => (isProcessAlive(answer.pid) ? undefined : true), 30_000);
    await eventually('web pod gone', async () => ((await kubectlJson<{ items: V1Pod[] }>('get', 'pods', '-n', NS, '-l', 'app=web')).items.length === 0 ? true : undefined), 30_000);
    console.log(`web: Deployment deleted → pod gone in ${Date.now() - deleting} ms`);
    expect(readFileSync(marker, 'utf8')).toBe('SIGTERM\n');
    rmSync(marker, { force: true });
  });

  it('completes a Job through the real Job controller', async () => {
    await admin.create(`/apis/batch/v1/namespaces/${NS}/jobs`, {
      metadata: { name: 'train' },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', securityContext: podSecurity, containers: [restricted({ name: 'trainer', image: 'prepared/trainer' })] } } },
    });
    const job = await eventually('train Complete', async () => {
      const current = await kubectlJson<{ status?: { succeeded?: number; conditions?: { type: string; status: string }[] } }>('get', 'job', 'train', '-n', NS);
      return current.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? current : undefined;
    });
    expect(job.status!.succeeded).toBe(1);
    const pods = await kubectlJson<{ items: V1Pod[] }>('get', 'pods', '-n', NS, '-l', 'job-name=train');
    expect(pods.items[0]!.status!.containerStatuses![0]!.state!.terminated!.message).toMatch(/^prepared train-/);
  });

  it('leaves a pod needing a GPU unschedulable on a node without GPUs', async () => {
    await admin.create(`/api/v1/namespaces/${NS}/pods`, pod('needs-gpu', { name: 'main', image: 'prepared/trainer', resources: { limits: { 'nvidia.com/gpu': '1' } } }));
    const scheduled = await eventually('needs-gpu PodScheduled=False', async () => (await getPod('needs-gpu')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
    expect(scheduled.reason).toBe('Unschedulable');
    expect(scheduled.message).toContain('nvidia.com/gpu');
    expect((await getPod('needs-gpu')).status!.phase).toBe('Pending');
  });

  it('runs a pod needing a GPU on a node that advertises one', async () => {
    const gpuKubelet = await startProcessKubelet({ server: plane.server, caPem: plane.caPem, token: plane.nodeTokens[GPU_NODE]!, nodeName: GPU_NODE, gpus: 1, runtime, log: (line) => kubeletLog.push(line) });
    try {
      const node = await kubectlJson<{ status: { capacity: Record<string, string> } }>('get', 'node', GPU_NODE);
      expect(node.status.capacity['nvidia.com/gpu']).toBe('1');
      await createPinnedNamespace('kubelet-gpu-test', GPU_NODE);
      await admin.create('/api/v1/namespaces/kubelet-gpu-test/pods', { ...pod('gpu-train', { name: 'main', image: 'prepared/trainer', resources: { limits: { 'nvidia.com/gpu': '1' } } }), metadata: { name: 'gpu-train', namespace: 'kubelet-gpu-test' } });
      const done = await eventually('gpu-train Succeeded', async () => {
        const current = await kubectlJson<V1Pod>('get', 'pod', 'gpu-train', '-n', 'kubelet-gpu-test');
        return current.status?.phase === 'Succeeded' ? current : undefined;
      });
      expect(done.spec!.nodeName).toBe(GPU_NODE);
    } finally {
      await gpuKubelet.stop();
    }
  });

  it('survives a kube-apiserver restart and keeps running pods', async () => {
    // Its own apiserver on the shared etcd: restarting the shared one would break the test files beside this one.
    const apiServer = await startTestApiServer(plane);
    const spare = await startProcessKubelet({ server: apiServer.server, caPem: apiServer.caPem, token: plane.nodeTokens[SPARE_NODE]!, nodeName: SPARE_NODE, runtime, log: (line) => kubeletLog.push(line) });
    try {
      await createPinnedNamespace(SPARE_NS, SPARE_NODE);
      const podIn = (name: string, container: V1Container, spec: Partial<NonNullable<V1Pod['spec']>> = {}) => ({ ...pod(name, container, spec), metadata: { name, namespace: SPARE_NS } });
      const phaseOf = async (name: string) => (await kubectlJson<V1Pod>('get', 'pod', name, '-n', SPARE_NS)).status?.phase;
      await admin.create(`/api/v1/namespaces/${SPARE_NS}/pods`, podIn('steady', { name: 'main', image: 'mur-test-http', ports: [{ containerPort: 8080 }], env: [{ name: 'PORT', value: '8080' }] }, { restartPolicy: 'Always' }));
      await eventually('steady Running', async () => ((await phaseOf('steady')) === 'Running' ? true : undefined));
      const before = spare.running();
      await apiServer.restart();
      expect(spare.running()).toBe(before);
      await admin.create(`/api/v1/namespaces/${SPARE_NS}/pods`, podIn('after-restart', { name: 'main', image: 'prepared/after' }));
      await eventually('after-restart Succeeded', async () => ((await phaseOf('after-restart')) === 'Succeeded' ? true : undefined));
      await admin.delete(`/api/v1/namespaces/${SPARE_NS}/pods/steady`);
      await eventually('steady gone', async () => ((await admin.list(`/api/v1/namespaces/${SPARE_NS}/pods`, { fieldSelector: 'metadata.name=steady' })).items.length === 0 ? true : undefined));
    } finally {
      await spare.stop();
      await apiServer.stop();
    }
  });

  it('stop() ends every container it started', async () => {
    await admin.create(`/api/v1/namespaces/${NS}/pods`, pod('left-running', { name: 'main', image: 'mur-test-http', env: [{ name: 'PORT', value: '0' }] }, { restartPolicy: 'Always' }));
    await eventually('left-running Running', phaseIs('left-running', 'Running'));
    expect(kubelet.running()).toBeGreaterThan(0);
    await kubelet.stop();
    expect(kubelet.running()).toBe(0);
    expect([...pidsSeen].filter(isProcessAlive)).toEqual([]);
    expect(existsSync(join(plane.dir, 'pids'))).toBe(true);
  });
});
