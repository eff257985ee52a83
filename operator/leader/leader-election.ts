import type { Logger } from '../../core/logger.ts';
import { isApiStatus, type KubeRest } from '../kube/rest-client.ts';
import { RESOURCES, resourcePath } from '../kube/resources.ts';
import { decideLease, type LeaseSpec } from './lease.ts';

/** Options of startLeaderElection. */
export interface LeaderElectionOptions {
  readonly rest: KubeRest;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly durationSeconds: number;
  readonly retryPeriodSeconds: number;
  readonly log: Logger;
  /** Wall clock, for the Lease's own timestamps. */
  readonly now?: () => Date;
  /**
   * Monotonic milliseconds (default performance.now), for the leadership deadline: unlike the wall clock it never
   * jumps, and it keeps running while the process is stopped (SIGSTOP, a frozen container).
   */
  readonly monotonicNow?: () => number;
  /** Called once this replica holds the Lease. */
  readonly onStartedLeading: () => void;
  /** Called when the Lease is lost; the replica must stop acting at once. */
  readonly onStoppedLeading: () => void;
}

/** A write refused because this replica may no longer be the leader. */
export class LeadershipLostError extends Error {
  override readonly name = 'LeadershipLostError';
}

/** A running election. */
export interface LeaderElection {
  /** True while this replica holds the Lease and its deadline has not passed. */
  isLeader(): boolean;
  /**
   * Throw LeadershipLostError unless this replica leads and the deadline (last successful renewal plus two
   * thirds of the lease) is still ahead; past it, leadership is given up at once. Call before every write.
   */
  assertLeader(): void;
  /** Stop campaigning; a leader releases the Lease so a standby takes over without waiting for expiry. */
  stop(): Promise<void>;
}

interface LeaseObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly resourceVersion?: string };
  readonly spec?: LeaseSpec;
}

/** Campaign for a coordination.k8s.io Lease so that two operator replicas never act at once. */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const now = options.now ?? (() => new Date());
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const path = resourcePath(RESOURCES.leases, options.namespace);
  const objectPath = resourcePath(RESOURCES.leases, options.namespace, options.name);
  // Stop acting a third of the lease before another replica could take it over: that margin absorbs a write
  // checked just before the deadline but still on the wire after it, and clocks running at slightly different rates.
  const leadForMs = (options.durationSeconds * 1000 * 2) / 3;
  let leading = false;
  let deadline = -Infinity;
  let observed = { record: '', at: now() };
  let current: LeaseObject | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function lose(why: string): void {
    if (!leading) return;
    leading = false;
    options.log.warn({ lease: options.name, why }, 'lost leadership');
    options.onStoppedLeading();
  }

  /** False, giving leadership up, once the deadline has passed: timers may fire late, so this is checked on use. */
  function withinDeadline(): boolean {
    if (leading && monotonicNow() >= deadline) lose('the Lease was not renewed in time');
    return leading;
  }

  async function tick(): Promise<void> {
    // A renewal counts from before its request: the Lease may have been written at any moment after this.
    const started = monotonicNow();
    // After a pause longer than the deadline another replica may already lead: never renew blindly.
    if (leading && !withinDeadline()) return;
    try {
      current = await options.rest.get<LeaseObject>(objectPath).catch((error: unknown) => {
        if (isApiStatus(error, 404)) return undefined;
        throw error;
      });
      const record = JSON.stringify([current?.spec?.holderIdentity, current?.spec?.renewTime]);
      if (record !== observed.record) observed = { record, at: now() };
      const decision = decideLease(current?.spec, options.identity, now(), options.durationSeconds, observed.at);
      if (decision.action === 'wait') {
        lose(`${decision.holder} holds the Lease`);
        return;
      }
      if (leading && !withinDeadline()) return;
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: options.name, namespace: options.namespace, ...(current ? { resourceVersion: current.metadata.resourceVersion } : {}) }, spec: decision.spec };
      current = decision.action === 'create' ? await options.rest.create<LeaseObject>(path, body) : await options.rest.replace<LeaseObject>(objectPath, body);
      deadline = started + leadForMs;
      if (!leading) {
        leading = true;
        options.log.info({ lease: options.name, identity: options.identity }, 'became leader');
        options.onStartedLeading();
      }
    } catch (error) {
      // 409: another replica wrote the Lease first; anything else: the API server is unreachable for now.
      if (!isApiStatus(error, 409)) options.log.warn({ err: error, lease: options.name }, 'leader election round failed');
      withinDeadline();
    }
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    await tick();
    if (!stopped) timer = setTimeout(() => void loop(), options.retryPeriodSeconds * 1000);
  }
  void loop();

  return {
    isLeader: () => leading && monotonicNow() < deadline,
    assertLeader() {
      if (withinDeadline()) return;
      throw new LeadershipLostError(`refusing to write: ${options.identity} does not lead (Lease ${options.namespace}/${options.name} not renewed in time, or held by another replica)`);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // Past the deadline the Lease may be someone else's: leave it to expire rather than release it.
      const holding = leading && monotonicNow() < deadline;
      leading = false;
      if (!holding || !current) return;
      try {
        await options.rest.replace(objectPath, { ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
      } catch (error) {
        options.log.warn({ err: error }, 'could not release the Lease; a standby takes over when it expires');
      }
    },
  };
}
