/**
 * One pod on the process kubelet: set up its ports and volumes, supervise its containers, report its status,
 * and on deletion stop it within its grace period, clean up, and remove it from the API.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeRest } from '../../operator/kube/rest-client.ts';
import { freePort } from '../net.ts';
import { buildLaunch } from './container-launch.ts';
import type { ContainerRuntime, RunningContainer } from './container-runtime.ts';
import { superviseContainer, type ContainerSupervisor } from './container-supervisor.ts';
import type { ObjectReader } from './kube-access.ts';
import { buildPodStatus, isTerminalPhase, type ContainerStatusJson, type PodConditionJson, type PodStatusJson } from './pod-status.ts';
import { removePod } from './pod-removal.ts';
import { preparePodVolumes, type PodVolumes } from './pod-volumes.ts';
import { createStatusSync } from './status-sync.ts';
import { createBackoff, kubeTime, sleep } from './timing.ts';

/** What a pod worker needs from its kubelet. */
export interface PodWorkerDeps {
  readonly rest: KubeRest;
  readonly reader: ObjectReader;
  readonly runtime: ContainerRuntime;
  readonly server: string;
  readonly caPem: string;
  /** The kubelet's folder; each pod gets a folder inside. */
  readonly rootDir: string;
  readonly log: (line: string) => void;
  readonly onContainerStarted: (pod: V1Pod, container: RunningContainer) => void;
}

/** A pod the kubelet runs. */
export interface PodWorker {
  pod(): V1Pod;
  /** A newer copy from the watch (labels, deletionTimestamp…). */
  update(pod: V1Pod): void;
  /** The pod is no longer in the API: stop at once, write nothing. */
  gone(): void;
  /** The kubelet stops: kill containers (SIGKILL after `graceMs`), clean up, write nothing. */
  shutdown(graceMs: number): Promise<void>;
  /** Ready, and not being deleted: may receive Service traffic. */
  ready(): boolean;
  /** Host port of a container port given by number or name. */
  hostPortOf(port: number | string): number | undefined;
  runningContainers(): number;
}

/** The kubelet's cap on any grace period, so a test never waits longer than this for a pod to go. */
const MAX_GRACE_SECONDS = 30;

/** Start running `initial`. */
export function startPodWorker(initial: V1Pod, deps: PodWorkerDeps): PodWorker {
  let pod = initial;
  const namespace = pod.metadata!.namespace!;
  const name = pod.metadata!.name!;
  const uid = pod.metadata!.uid!;
  const key = `${namespace}/${name}`;
  const podDir = join(deps.rootDir, `${namespace}_${name}_${uid.slice(0, 8)}`);
  const containers: readonly V1Container[] = pod.spec?.containers ?? [];
  const hostPorts: Record<number, number> = {};
  // Aborted when setting up or running should end (deletion, disappearance, kubelet stop).
  const lifetime = new AbortController();
  // Aborted when nothing more may be written to the API for this pod.
  const silenced = new AbortController();
  let volumes: PodVolumes | undefined;
  let setupMessage: string | undefined;
  let startTime = pod.status?.startTime as unknown as string | undefined;
  let supervisors: ContainerSupervisor[] = [];
  let finished = false;
  let terminationStarted = false;
  let stoppedForDeletion = false;
  let refreshTimer: NodeJS.Timeout | undefined;
  // Kept across kubelet restarts so transition times do not jump; PodScheduled belongs to the scheduler.
  let conditions = ((pod.status?.conditions ?? []) as unknown as PodConditionJson[]).filter((c) => c.type !== 'PodScheduled');

  // What an earlier kubelet on this node reported: read now, before our own first status write replaces it.
  const previousStatuses = initial.status?.containerStatuses ?? [];
  const waitingStatus = (container: V1Container): ContainerStatusJson => ({
    name: container.name,
    image: container.image ?? '',
    imageID: '',
    ready: false,
    started: false,
    restartCount: previousStatuses.find((status) => status.name === container.name)?.restartCount ?? 0,
    state: { waiting: { reason: 'ContainerCreating', ...(setupMessage ? { message: setupMessage } : {}) } },
    lastState: {},
  });

  function buildStatus(): PodStatusJson {
    const status = buildPodStatus({
      pod,
      containers: containers.map((container, i) => supervisors[i]?.status() ?? waitingStatus(container)),
      sandboxReady: volumes !== undefined,
      ...(startTime ? { startTime } : {}),
      terminating: stoppedForDeletion,
      previousConditions: conditions,
      now: kubeTime(),
    });
    conditions = [...status.conditions];
    return status;
  }

  const sync = createStatusSync({
    build: buildStatus,
    send: async (status) => {
      if (silenced.signal.aborted) return;
      await deps.rest.patch(`/api/v1/namespaces/${namespace}/pods/${name}/status`, { status }, 'strategic');
    },
    onError: (error) => deps.log(`pod ${key}: status not written: ${(error as Error).message}`),
  });

  function hostPortOf(port: number | string): number | undefined {
    if (typeof port === 'number') return hostPorts[port] ?? port;
    const named = containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port);
    return named ? hostPorts[named.containerPort] : undefined;
  }

  async function setUp(): Promise<PodVolumes | undefined> {
    for (const port of containers.flatMap((c) => c.ports ?? [])) hostPorts[port.containerPort] ??= await freePort();
    const backoff = createBackoff(250, 5_000);
    while (!lifetime.signal.aborted) {
      try {
        return await preparePodVolumes(pod, podDir, deps);
      } catch (error) {
        setupMessage = (error as Error).message;
        sync.changed();
        await sleep(backoff.next(), lifetime.signal);
      }
    }
    return undefined;
  }

  async function run(): Promise<void> {
    sync.changed();
    const prepared = await setUp();
    if (!prepared || lifetime.signal.aborted) return;
    volumes = prepared;
    setupMessage = undefined;
    startTime ??= kubeTime();
    refreshTimer = setInterval(() => void prepared.refresh(pod).catch(() => undefined), 3_000);
    supervisors = containers.map((container) =>
      superviseContainer({
        container,
        pod: () => pod,
        runtime: deps.runtime,
        prepareLaunch: () => buildLaunch({ pod, container, volumes: prepared, hostPorts, podDir, server: deps.server, reader: deps.reader }),
        hostPortOf,
        onChange: () => sync.changed(),
        onStarted: (running) => deps.onContainerStarted(pod, running),
        log: deps.log,
        previous: previousStatuses.find((status) => status.name === container.name),
      }),
    );
    sync.changed();
    await Promise.all(supervisors.map((supervisor) => supervisor.done));
    if (lifetime.signal.aborted) return;
    // Every container is done for good: the pod is terminal and its folders go, as the kubelet cleans up after it.
    finished = true;
    clearInterval(refreshTimer);
    await rm(podDir, { recursive: true, force: true });
  }

  async function stopContainers(graceMs: number): Promise<void> {
    lifetime.abort();
    clearInterval(refreshTimer);
    await Promise.all(supervisors.map((supervisor) => supervisor.halt(graceMs)));
    await rm(podDir, { recursive: true, force: true });
  }

  async function terminate(): Promise<void> {
    const graceSeconds = Math.min(pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? MAX_GRACE_SECONDS, MAX_GRACE_SECONDS);
    deps.log(`pod ${key} is being deleted; stopping its containers (grace ${graceSeconds} s)`);
    await stopContainers(graceSeconds * 1000);
    stoppedForDeletion = true;
    sync.changed();
    await sync.flush(10_000);
    await removePod(deps.rest, { namespace, name, uid }, silenced.signal, deps.log);
  }

  const running = run().catch((error: unknown) => deps.log(`pod ${key}: ${(error as Error).stack}`));

  return {
    pod: () => pod,
    update(next) {
      pod = next;
      if (!next.metadata?.deletionTimestamp || terminationStarted) return;
      terminationStarted = true;
      // A pod that finished is deleted by the API server itself (terminal pods get no grace period).
      if (finished || isTerminalPhase(next.status?.phase)) return;
      void terminate().catch((error: unknown) => deps.log(`pod ${key}: ${(error as Error).stack}`));
    },
    gone() {
      silenced.abort();
      sync.stop();
      void stopContainers(2_000).catch(() => undefined);
    },
    async shutdown(graceMs) {
      silenced.abort();
      sync.stop();
      await stopContainers(graceMs);
      await running;
    },
    ready: () => !terminationStarted && supervisors.length > 0 && supervisors.every((supervisor) => supervisor.status().ready),
    hostPortOf,
    runningContainers: () => supervisors.filter((supervisor) => supervisor.running()).length,
  };
}
