/** The pod status the kubelet reports, computed from what its containers are doing (pure: facts in, status out). */
import type { V1Pod } from '@kubernetes/client-node';
import { LOOPBACK_IP } from './field-ref.ts';

/** A container state as the API writes it. */
export type ContainerStateJson =
  | { readonly waiting: { readonly reason: string; readonly message?: string } }
  | { readonly running: { readonly startedAt: string } }
  | { readonly terminated: TerminatedStateJson };

/** A terminated container state. */
export interface TerminatedStateJson {
  readonly exitCode: number;
  readonly reason: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt: string;
  readonly containerID?: string;
}

/** One entry of status.containerStatuses. */
export interface ContainerStatusJson {
  readonly name: string;
  readonly image: string;
  readonly imageID: string;
  readonly containerID?: string;
  readonly ready: boolean;
  readonly started: boolean;
  readonly restartCount: number;
  readonly state: ContainerStateJson;
  readonly lastState: { readonly terminated?: TerminatedStateJson };
}

/** One pod condition. */
export interface PodConditionJson {
  readonly type: string;
  readonly status: 'True' | 'False';
  /** null rather than absent: a strategic merge patch would otherwise keep the previous reason. */
  readonly reason: string | null;
  readonly message: string | null;
  readonly lastTransitionTime: string;
  readonly lastProbeTime: null;
  readonly observedGeneration?: number;
}

/** The pod phases. */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** The part of the pod status the kubelet owns (PodScheduled stays the scheduler's). */
export interface PodStatusJson {
  readonly phase: PodPhase;
  readonly conditions: readonly PodConditionJson[];
  readonly containerStatuses: readonly ContainerStatusJson[];
  readonly hostIP: string;
  readonly hostIPs: readonly { ip: string }[];
  readonly podIP?: string;
  readonly podIPs?: readonly { ip: string }[];
  readonly startTime?: string;
  readonly observedGeneration?: number;
}

/** What the status is computed from. */
export interface PodFacts {
  readonly pod: V1Pod;
  /** In spec order. */
  readonly containers: readonly ContainerStatusJson[];
  /** Volumes and ports are set up ("the sandbox"): containers may start. */
  readonly sandboxReady: boolean;
  readonly startTime?: string;
  /** Being deleted and all containers stopped for good. */
  readonly terminating: boolean;
  readonly previousConditions: readonly PodConditionJson[];
  readonly now: string;
}

/** The kubelet's phase rules: anything waiting for its first start → Pending; anything running → Running; then by restartPolicy. */
export function podPhase(restartPolicy: string, containers: readonly ContainerStatusJson[], terminating: boolean): PodPhase {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const container of containers) {
    if ('running' in container.state) running++;
    else if ('terminated' in container.state) {
      stopped++;
      if (container.state.terminated.exitCode === 0) succeeded++;
    } else if (container.lastState.terminated) stopped++;
    else waiting++;
  }
  if (terminating && running === 0 && waiting === 0) return succeeded === stopped ? 'Succeeded' : 'Failed';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (restartPolicy === 'Always') return 'Running';
  if (restartPolicy === 'OnFailure') return succeeded === stopped ? 'Succeeded' : 'Running';
  return succeeded === stopped ? 'Succeeded' : 'Failed';
}

/** True for the phases a pod never leaves. */
export function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

function condition(facts: PodFacts, type: string, isTrue: boolean, reason?: string, message?: string): PodConditionJson {
  const previous = facts.previousConditions.find((c) => c.type === type);
  const status = isTrue ? 'True' : 'False';
  const generation = facts.pod.metadata?.generation;
  return {
    type,
    status,
    reason: reason ?? null,
    message: message ?? null,
    // Only a flip moves the transition time.
    lastTransitionTime: previous?.status === status ? previous.lastTransitionTime : facts.now,
    lastProbeTime: null,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}

/** The pod status for `facts`. */
export function buildPodStatus(facts: PodFacts): PodStatusJson {
  const phase = podPhase(facts.pod.spec?.restartPolicy ?? 'Always', facts.containers, facts.terminating);
  const terminal = isTerminalPhase(phase);
  const unready = facts.containers.filter((c) => !c.ready).map((c) => c.name);
  const allReady = !terminal && unready.length === 0;
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const generation = facts.pod.metadata?.generation;
  return {
    phase,
    conditions: [
      condition(facts, 'PodReadyToStartContainers', facts.sandboxReady && !terminal),
      condition(facts, 'Initialized', true),
      allReady ? condition(facts, 'Ready', true) : condition(facts, 'Ready', false, notReadyReason, notReadyMessage),
      allReady ? condition(facts, 'ContainersReady', true) : condition(facts, 'ContainersReady', false, notReadyReason, notReadyMessage),
    ],
    containerStatuses: facts.containers,
    hostIP: LOOPBACK_IP,
    hostIPs: [{ ip: LOOPBACK_IP }],
    ...(facts.sandboxReady ? { podIP: LOOPBACK_IP, podIPs: [{ ip: LOOPBACK_IP }] } : {}),
    ...(facts.startTime ? { startTime: facts.startTime } : {}),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
}
