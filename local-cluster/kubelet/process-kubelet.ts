/**
 * The process kubelet: a node of the test cluster that runs each pod bound to it as local processes (or
 * prepared stand-ins), with the kubelet's API behaviour: Node and Lease heartbeats, pod status, probes,
 * restarts, graceful deletion, Secret and token volumes. Authenticated as system:node:<name>, so the Node
 * authorizer and NodeRestriction admission hold it to what a real kubelet may do.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ContainerRuntime } from './container-runtime.ts';
import { connectAsNode, createObjectReader } from './kube-access.ts';
import { registerNode, startNodeHeartbeat, waitForSchedulable } from './node-heartbeat.ts';
import { isTerminalPhase } from './pod-status.ts';
import { removePod } from './pod-removal.ts';
import { watchNodePods } from './pod-watch.ts';
import { startPodWorker, type PodWorker } from './pod-worker.ts';
import { createServiceProxies } from './service-proxy.ts';
import { createBackoff, kubeTime, sleep } from './timing.ts';

/** Options of startProcessKubelet. */
export interface ProcessKubeletOptions {
  readonly server: string;
  readonly caPem: string;
  /** The node's bearer token. */
  readonly token: string;
  readonly nodeName: string;
  /** Extra Node labels (besides makeusrich.io/node and the kubernetes.io ones). */
  readonly labels?: Record<string, string>;
  /** nvidia.com/gpu capacity to advertise; none when 0 or absent. */
  readonly gpus?: number;
  readonly runtime: ContainerRuntime;
  /** Every started child pid is appended here (the control plane's reaper kills them if the test run dies); the kubelet's folders go beside it. */
  readonly pidsFile?: string;
  /** Human-readable lines (pod started, service exposed…); silent by default. */
  readonly log?: (line: string) => void;
}

/** A running process kubelet. */
export interface ProcessKubelet {
  readonly nodeName: string;
  /** A loopback URL forwarding to a ready pod (of this node) behind Service ns/name, port by number or name (default: the first). Opens the listener on first call; resolves once a ready endpoint exists or rejects after timeoutMs. */
  serviceUrl(namespace: string, service: string, options?: { port?: number | string; timeoutMs?: number }): Promise<string>;
  /** Pod keys `ns/name` in the order their first container started. */
  readonly started: readonly string[];
  /** Containers running now. */
  running(): number;
  /** Kill every container (SIGTERM, then SIGKILL after 5 s), stop watches and timers, close proxies. Does not delete pods. */
  stop(): Promise<void>;
}

const REGISTRATION_TIMEOUT_MS = 60_000;
const SHUTDOWN_GRACE_MS = 5_000;

/** Register the node and start running its pods; resolves once the Node is Ready and the pod watch has listed. */
export async function startProcessKubelet(options: ProcessKubeletOptions): Promise<ProcessKubelet> {
  const log = options.log ?? (() => undefined);
  const { kubeConfig, rest } = connectAsNode(options.server, options.caPem, options.token, options.nodeName);
  const readySince = kubeTime();
  const deadline = Date.now() + REGISTRATION_TIMEOUT_MS;
  const backoff = createBackoff(250, 5_000);
  let registered;
  for (;;) {
    try {
      const version = await rest.get<{ gitVersion: string }>('/version');
      const identity = { nodeName: options.nodeName, labels: options.labels, gpus: options.gpus, kubeletVersion: version.gitVersion };
      registered = { identity, node: await registerNode(rest, identity, readySince) };
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`node ${options.nodeName} could not register`, { cause: error });
      await sleep(backoff.next());
    }
  }
  const heartbeat = startNodeHeartbeat(rest, registered.identity, registered.node, readySince, log);
  if (!(await waitForSchedulable(rest, options.nodeName, 30_000))) log(`node ${options.nodeName}: still tainted not-ready after 30 s; carrying on`);
  log(`node ${options.nodeName} registered and Ready`);

  // Beside the pid list when there is one: the reaper that kills the containers of a dead run removes that
  // folder too, volumes included.
  const rootDir = await mkdtemp(join(options.pidsFile ? dirname(options.pidsFile) : tmpdir(), `mur-kubelet-${options.nodeName}-`));
  const reader = createObjectReader(rest);
  const workers = new Map<string, PodWorker>();
  const started: string[] = [];
  const startedUids = new Set<string>();
  const orphanDeletes = new Set<string>();

  const deps = {
    rest,
    reader,
    runtime: options.runtime,
    server: options.server,
    caPem: options.caPem,
    rootDir,
    log,
    onContainerStarted(pod: V1Pod, container: { pid?: number }) {
      if (options.pidsFile && container.pid !== undefined) appendFileSync(options.pidsFile, `${container.pid}\n`);
      const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      log(`pod ${key} container started${container.pid !== undefined ? ` (pid ${container.pid})` : ''}`);
      if (startedUids.has(pod.metadata!.uid!)) return;
      startedUids.add(pod.metadata!.uid!);
      started.push(key);
    },
  };

  const stopping = new AbortController();

  function deleteOrphan(pod: V1Pod): void {
    // Being deleted, never run by this kubelet (an earlier one ran it): nothing to stop, only the final delete.
    const uid = pod.metadata!.uid!;
    if (orphanDeletes.has(uid) || isTerminalPhase(pod.status?.phase)) return;
    orphanDeletes.add(uid);
    void removePod(rest, { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, uid }, stopping.signal, log);
  }

  function onPod(pod: V1Pod): void {
    const uid = pod.metadata!.uid!;
    const worker = workers.get(uid);
    if (worker) return worker.update(pod);
    if (isTerminalPhase(pod.status?.phase)) return;
    if (pod.metadata?.deletionTimestamp) return deleteOrphan(pod);
    workers.set(uid, startPodWorker(pod, deps));
  }

  function onDeleted(pod: V1Pod): void {
    const uid = pod.metadata!.uid!;
    workers.get(uid)?.gone();
    workers.delete(uid);
    orphanDeletes.delete(uid);
  }

  const watch = watchNodePods({
    rest,
    kubeConfig,
    nodeName: options.nodeName,
    onPod,
    onDeleted,
    onList(pods) {
      const present = new Set(pods.map((pod) => pod.metadata!.uid!));
      for (const [uid, worker] of workers) if (!present.has(uid)) onDeleted(worker.pod());
      for (const pod of pods) onPod(pod);
    },
    log,
  });
  await watch.listed;

  const proxies = createServiceProxies({
    rest,
    log,
    backends: () =>
      [...workers.values()]
        .filter((worker) => worker.ready())
        .map((worker) => ({ namespace: worker.pod().metadata!.namespace!, labels: worker.pod().metadata?.labels ?? {}, hostPortOf: worker.hostPortOf })),
  });

  let stopped: Promise<void> | undefined;
  return {
    nodeName: options.nodeName,
    started,
    serviceUrl: (namespace, service, urlOptions) => proxies.serviceUrl(namespace, service, urlOptions),
    running: () => [...workers.values()].reduce((sum, worker) => sum + worker.runningContainers(), 0),
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        watch.stop();
        heartbeat.stop();
        await proxies.close();
        await Promise.all([...workers.values()].map((worker) => worker.shutdown(SHUTDOWN_GRACE_MS)));
        workers.clear();
        await rm(rootDir, { recursive: true, force: true });
        log(`node ${options.nodeName} stopped`);
      })();
      return stopped;
    },
  };
}
