/** A running container's health as the kubelet judges it: startup gates readiness and liveness; liveness failures restart it. */
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import type { RunningContainer } from './container-runtime.ts';
import { checkProbe, runProbe, type HostPortResolver } from './probes.ts';
import { sleep } from './timing.ts';

/** Options of watchContainerHealth. */
export interface HealthWatchOptions {
  readonly container: V1Container;
  readonly instance: RunningContainer;
  readonly hostPortOf: HostPortResolver;
  /** Aborted when the instance has exited. */
  readonly signal: AbortSignal;
  /** The startup probe passed (or there is none). */
  readonly onStarted: () => void;
  readonly onReady: (ready: boolean) => void;
  /** A startup or liveness probe failed for good: the container must be killed (and restarted as policy says). */
  readonly onUnhealthy: (probe: 'startup' | 'liveness') => void;
}

/** How often a runtime's own ready() is read: cheap, and quick enough for rollouts. */
const RUNTIME_READY_POLL_MS = 500;

/**
 * Probe the instance until `signal` aborts. A runtime that reports readiness itself (prepared containers) is
 * read instead of probed. Without a readinessProbe a started container is ready.
 */
export async function watchContainerHealth(options: HealthWatchOptions): Promise<void> {
  const { container, instance, signal } = options;
  if (instance.ready) {
    options.onStarted();
    while (!signal.aborted) {
      options.onReady(instance.ready());
      await sleep(RUNTIME_READY_POLL_MS, signal);
    }
    return;
  }
  const check = (probe: V1Probe) => () => checkProbe(probe, options.hostPortOf);
  if (container.startupProbe) {
    let passed = false;
    await runProbe({
      probe: container.startupProbe,
      check: check(container.startupProbe),
      signal,
      onResult: (ok) => {
        passed = ok;
        return 'stop';
      },
    });
    if (signal.aborted) return;
    if (!passed) return options.onUnhealthy('startup');
  }
  options.onStarted();
  const readiness = container.readinessProbe;
  if (readiness) void runProbe({ probe: readiness, check: check(readiness), signal, onResult: options.onReady });
  else options.onReady(true);
  const liveness = container.livenessProbe;
  if (!liveness) return;
  await runProbe({
    probe: liveness,
    check: check(liveness),
    signal,
    onResult(ok) {
      if (ok) return;
      options.onUnhealthy('liveness');
      return 'stop';
    },
  });
}
