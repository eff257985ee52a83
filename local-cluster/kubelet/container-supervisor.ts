/**
 * One container of a pod through its life: build its launch (retrying while a Secret is missing), start it,
 * probe it, record how it ended, and restart it as the pod's restartPolicy says, with the kubelet's backoff.
 */
import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { ContainerConfigError } from './container-env.ts';
import { watchContainerHealth } from './container-health.ts';
import { ContainerStartError, type ContainerLaunch, type ContainerRuntime, type RunningContainer } from './container-runtime.ts';
import type { ContainerStateJson, ContainerStatusJson, TerminatedStateJson } from './pod-status.ts';
import type { HostPortResolver } from './probes.ts';
import { terminationMessage } from './termination-message.ts';
import { createBackoff, kubeTime, sleep } from './timing.ts';

/** Options of superviseContainer. */
export interface ContainerSupervisorOptions {
  readonly container: V1Container;
  /** The pod as last seen. */
  readonly pod: () => V1Pod;
  readonly runtime: ContainerRuntime;
  /** Environment, folders and ports for a start; throws ContainerConfigError while something is missing. */
  readonly prepareLaunch: () => Promise<ContainerLaunch>;
  readonly hostPortOf: HostPortResolver;
  /** Something in status() changed. */
  readonly onChange: () => void;
  readonly onStarted: (running: RunningContainer) => void;
  readonly log: (line: string) => void;
  /** This container's status as an earlier kubelet left it (this kubelet restarted and lost the process). */
  readonly previous?: V1ContainerStatus;
}

/** A supervised container. */
export interface ContainerSupervisor {
  status(): ContainerStatusJson;
  running(): boolean;
  /** Stop for good: SIGTERM, SIGKILL after `graceMs`; resolves once it will not run again. */
  halt(graceMs: number): Promise<void>;
  /** Resolves once the container has stopped for good (no restart due, or halted). */
  readonly done: Promise<void>;
}

/** A container that ran this long before exiting starts its restart backoff afresh. */
const BACKOFF_RESET_MS = 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How the kubelet reports a container it can no longer find. */
function lostContainer(startedAt?: string): TerminatedStateJson {
  return { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', ...(startedAt ? { startedAt } : {}), finishedAt: kubeTime() };
}

/** SIGTERM, then SIGKILL once `graceMs` has passed without an exit. */
export function killGracefully(container: RunningContainer, graceMs: number): void {
  container.kill('SIGTERM');
  const timer = setTimeout(() => container.kill('SIGKILL'), graceMs);
  void container.exited.finally(() => clearTimeout(timer));
}

/** Supervise `options.container` until it stops for good. */
export function superviseContainer(options: ContainerSupervisorOptions): ContainerSupervisor {
  const { container, log } = options;
  const image = container.image ?? '';
  const podName = () => `${options.pod().metadata?.namespace}/${options.pod().metadata?.name}`;
  const restartable = (exitCode: number) => {
    const policy = options.pod().spec?.restartPolicy ?? 'Always';
    return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
  };
  const graceMs = () => Math.min(options.pod().spec?.terminationGracePeriodSeconds ?? 30, 30) * 1000;
  let restartCount = options.previous?.restartCount ?? 0;
  let state: ContainerStateJson = { waiting: { reason: 'ContainerCreating' } };
  let lastState: { terminated?: TerminatedStateJson } = {};
  let ready = false;
  let started = false;
  let current: RunningContainer | undefined;
  let halted = false;
  const halt = new AbortController();
  const containerID = () => `process://${sha256(`${options.pod().metadata?.uid}/${container.name}/${restartCount}`)}`;

  function setReady(value: boolean): void {
    if (ready === value) return;
    ready = value;
    options.onChange();
  }

  /** Runs one started instance to its end; returns its exit code. */
  async function supervise(instance: RunningContainer, launch: ContainerLaunch): Promise<number> {
    current = instance;
    const startedAt = kubeTime();
    state = { running: { startedAt } };
    options.onStarted(instance);
    options.onChange();
    const probing = new AbortController();
    void watchContainerHealth({
      container,
      instance,
      hostPortOf: options.hostPortOf,
      signal: probing.signal,
      onStarted() {
        started = true;
        options.onChange();
      },
      onReady: setReady,
      onUnhealthy(probe) {
        log(`pod ${podName()} container ${container.name} failed its ${probe} probe; restarting it`);
        killGracefully(instance, graceMs());
      },
    }).catch((error: unknown) => log(`pod ${podName()} container ${container.name}: probing failed: ${(error as Error).message}`));
    const exitCode = await instance.exited;
    probing.abort();
    current = undefined;
    started = false;
    ready = false;
    const message = await terminationMessage(launch.terminationMessageFile, container.terminationMessagePolicy, exitCode, instance.output());
    state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', ...(message ? { message } : {}), startedAt, finishedAt: kubeTime(), containerID: containerID() } };
    log(`pod ${podName()} container ${container.name} exited with ${exitCode}${exitCode !== 0 && instance.output() ? `: ${instance.output().trim().split('\n').slice(-3).join(' | ')}` : ''}`);
    options.onChange();
    return exitCode;
  }

  async function run(): Promise<void> {
    const crashBackoff = createBackoff(1_000, 30_000);
    const configBackoff = createBackoff(500, 5_000);
    while (!halted) {
      let instance: RunningContainer;
      let launch: ContainerLaunch;
      try {
        launch = await options.prepareLaunch();
        if (halted) break;
        await writeFile(launch.terminationMessageFile, '');
        instance = options.runtime(launch);
      } catch (error) {
        const reason = error instanceof ContainerConfigError || error instanceof ContainerStartError ? error.reason : 'CreateContainerError';
        state = { waiting: { reason, message: (error as Error).message } };
        options.onChange();
        await sleep((error instanceof ContainerStartError ? crashBackoff : configBackoff).next(), halt.signal);
        continue;
      }
      configBackoff.reset();
      const startedAt = Date.now();
      const exitCode = await supervise(instance, launch);
      if (Date.now() - startedAt > BACKOFF_RESET_MS) crashBackoff.reset();
      if (halted || !restartable(exitCode)) return;
      const delayMs = crashBackoff.next();
      lastState = { terminated: (state as { terminated: TerminatedStateJson }).terminated };
      restartCount++;
      state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delayMs / 1000}s restarting failed container=${container.name} pod=${options.pod().metadata?.name}` } };
      options.onChange();
      await sleep(delayMs, halt.signal);
    }
    if (!('terminated' in state)) state = { terminated: lostContainer() };
  }

  function adoptPrevious(previous: V1ContainerStatus): boolean {
    // Timestamps arrive as strings: the status was read as plain JSON.
    const ended = previous.state?.terminated as unknown as TerminatedStateJson | undefined;
    const lost = previous.state?.running ? lostContainer(previous.state.running.startedAt as unknown as string) : undefined;
    const before = ended ?? lost;
    lastState = previous.lastState?.terminated ? { terminated: previous.lastState.terminated as unknown as TerminatedStateJson } : {};
    if (!before) return false;
    if (!restartable(before.exitCode)) {
      state = { terminated: before };
      return true;
    }
    lastState = { terminated: before };
    restartCount++;
    return false;
  }

  const finishedBefore = options.previous ? adoptPrevious(options.previous) : false;
  const done = finishedBefore ? Promise.resolve() : run().catch((error: unknown) => log(`pod ${podName()} container ${container.name}: supervisor failed: ${(error as Error).stack}`));
  return {
    done,
    running: () => current !== undefined,
    status: () => ({
      name: container.name,
      image,
      imageID: `sha256:${sha256(image)}`,
      ...('waiting' in state ? {} : { containerID: containerID() }),
      ready,
      started,
      restartCount,
      state,
      lastState,
    }),
    async halt(ms) {
      halted = true;
      halt.abort();
      if (current) killGracefully(current, ms);
      await done;
    },
  };
}
