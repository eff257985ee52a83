/**
 * Stands in for the Deployment controller and the kubelet: for every new Deployment generation it starts the
 * real inference server (`node server-image/src/main.ts`) with the pod template's environment and mounted
 * token Secret, waits until /readyz answers, retires the previous pod, and reports the rollout in the
 * Deployment's status. In `instant` mode it reports the rollout at once without starting anything.
 */
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { FakeKubeApiServer, KubeObject } from '../fake-kube/index.ts';
import { containerEnvironment, materialiseSecretVolume, startNodeProcess, type PodTemplate } from './simulated-pod.ts';

/** Options of startDeploymentSimulator. */
export interface DeploymentSimulatorOptions {
  readonly server: FakeKubeApiServer;
  /** `process`: run the real server; `instant`: mark every rollout complete at once. */
  readonly mode: 'process' | 'instant';
  /** Added to the container environment (e.g. EXCHANGE_BASE_URL of the exchange mirror). */
  readonly extraEnv?: Record<string, string>;
  readonly pollMs?: number;
  /** Give up on a pod that is not ready after this long. */
  readonly readyTimeoutMs?: number;
}

/** One simulated inference pod. */
interface ServingPod {
  readonly generation: number;
  readonly url: string;
  readonly child: ChildProcess;
  readonly tokenDir: string;
  readonly output: () => string;
}

/** A running Deployment simulator. */
export interface DeploymentSimulator {
  /** Base URL of the ready server of a Deployment (what its Service would route to). */
  endpoint(namespace: string, name: string): string | undefined;
  /** Generations rolled out per Deployment (`namespace/name` → generations in order). */
  readonly rollouts: Map<string, number[]>;
  /** Output of the current server process (for diagnosing a test). */
  logs(namespace: string, name: string): string;
  stop(): Promise<void>;
}

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`inference server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`inference server at ${url} not ready after ${timeoutMs} ms:\n${output()}`);
}

/** Start simulating Deployments on the fake API server. */
export function startDeploymentSimulator(options: DeploymentSimulatorOptions): DeploymentSimulator {
  const { store } = options.server;
  const pods = new Map<string, ServingPod>();
  const busy = new Set<string>();
  const rollouts = new Map<string, number[]>();
  const lastGeneration = new Map<string, number>();

  function markAvailable(deployment: KubeObject, generation: number): void {
    const current = store.get({ ...DEPLOYMENT, namespace: deployment.metadata.namespace!, name: deployment.metadata.name! });
    if (!current || current.metadata.generation !== generation) return;
    const replicas = (current as { spec?: { replicas?: number } }).spec?.replicas ?? 1;
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    store.put({
      ...current,
      status: {
        observedGeneration: generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: time, lastTransitionTime: time },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet has successfully progressed.', lastUpdateTime: time, lastTransitionTime: time },
        ],
      },
    });
  }

  async function startPod(deployment: KubeObject, key: string, generation: number): Promise<void> {
    const namespace = deployment.metadata.namespace!;
    const template = (deployment as { spec?: { template?: PodTemplate } }).spec?.template ?? {};
    const container = template.spec!.containers[0]!;
    const env = containerEnvironment(store, namespace, container);
    const tokenVolume = template.spec?.volumes?.find((v) => v.secret);
    const tokenDir = tokenVolume?.secret ? await materialiseSecretVolume(store, namespace, tokenVolume.secret.secretName) : '';
    const port = await freePort();
    const { child, output } = startNodeProcess('server-image/src/main.ts', [], {
      ...env,
      ...options.extraEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...(tokenDir ? { TOKEN_DIR: tokenDir } : {}),
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(url, child, options.readyTimeoutMs ?? 60_000, output);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    const previous = pods.get(key);
    pods.set(key, { generation, url, child, tokenDir, output });
    // maxUnavailable 0: the old pod goes only after the new one is ready.
    if (previous) await retire(previous);
    markAvailable(deployment, generation);
  }

  async function retire(pod: ServingPod): Promise<void> {
    pod.child.kill('SIGTERM');
    if (pod.tokenDir) await rm(pod.tokenDir, { recursive: true, force: true });
  }

  function scan(): void {
    const deployments = store.list({ ...DEPLOYMENT });
    const alive = new Set<string>();
    for (const deployment of deployments) {
      const key = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
      alive.add(key);
      const generation = deployment.metadata.generation ?? 1;
      if (busy.has(key) || lastGeneration.get(key) === generation) continue;
      lastGeneration.set(key, generation);
      rollouts.set(key, [...(rollouts.get(key) ?? []), generation]);
      if (options.mode === 'instant') {
        markAvailable(deployment, generation);
        continue;
      }
      busy.add(key);
      startPod(deployment, key, generation)
        .catch((error: unknown) => console.error(`deployment simulator: ${key}: ${(error as Error).message}`))
        .finally(() => busy.delete(key));
    }
    for (const [key, pod] of pods) {
      if (!alive.has(key)) {
        pods.delete(key);
        void retire(pod);
      }
    }
  }

  const timer = setInterval(scan, options.pollMs ?? 50);
  return {
    rollouts,
    endpoint: (namespace, name) => pods.get(`${namespace}/${name}`)?.url,
    logs: (namespace, name) => pods.get(`${namespace}/${name}`)?.output() ?? '',
    async stop() {
      clearInterval(timer);
      await Promise.all([...pods.values()].map(retire));
      pods.clear();
    },
  };
}
