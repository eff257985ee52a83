/**
 * The seam between the process kubelet and whatever stands for a container: the kubelet prepares a launch
 * (environment, folders, ports), a runtime turns it into something that runs and ends with an exit code.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';

/** Everything a runtime needs to start one container of a pod. */
export interface ContainerLaunch {
  readonly pod: V1Pod;
  /** The container, with `$(VAR)` references in its args already expanded. */
  readonly container: V1Container;
  /** The environment, resolved and remapped to host paths and ports. */
  readonly env: Record<string, string>;
  /** Container mountPath → host folder. */
  readonly mounts: Readonly<Record<string, string>>;
  /** containerPort → host port on 127.0.0.1. */
  readonly ports: Readonly<Record<number, number>>;
  /** Host path standing for container.terminationMessagePath. */
  readonly terminationMessageFile: string;
}

/** A started container. */
export interface RunningContainer {
  /** The exit code; a container killed by a signal ends with 128 + the signal number. */
  readonly exited: Promise<number>;
  kill(signal: NodeJS.Signals): void;
  /** Recent stdout and stderr, for FallbackToLogsOnError and diagnostics. */
  output(): string;
  readonly pid?: number;
  /** When present, readiness comes from this instead of probes (prepared containers have no HTTP server). */
  readonly ready?: () => boolean;
}

/** Starts a container; throws ContainerStartError when it cannot (an unknown image, say). */
export type ContainerRuntime = (launch: ContainerLaunch) => RunningContainer;

/** A container that could not start; `reason` becomes the container's waiting reason (as ErrImagePull does). */
export class ContainerStartError extends Error {
  override readonly name = 'ContainerStartError';
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}
