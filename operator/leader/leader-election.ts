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
  readonly now?: () => Date;
  /** Called once this replica holds the Lease. */
  readonly onStartedLeading: () => void;
  /** Called when the Lease is lost; the replica must stop acting at once. */
  readonly onStoppedLeading: () => void;
}

/** A running election. */
export interface LeaderElection {
  isLeader(): boolean;
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
  const path = resourcePath(RESOURCES.leases, options.namespace);
  const objectPath = resourcePath(RESOURCES.leases, options.namespace, options.name);
  // Give up leadership before the Lease could expire in another replica's eyes.
  const renewDeadlineMs = (options.durationSeconds * 1000 * 2) / 3;
  let leading = false;
  let lastRenewal = 0;
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

  async function tick(): Promise<void> {
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
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: options.name, namespace: options.namespace, ...(current ? { resourceVersion: current.metadata.resourceVersion } : {}) }, spec: decision.spec };
      current = decision.action === 'create' ? await options.rest.create<LeaseObject>(path, body) : await options.rest.replace<LeaseObject>(objectPath, body);
      lastRenewal = Date.now();
      if (!leading) {
        leading = true;
        options.log.info({ lease: options.name, identity: options.identity }, 'became leader');
        options.onStartedLeading();
      }
    } catch (error) {
      // 409: another replica wrote the Lease first; anything else: the API server is unreachable for now.
      if (!isApiStatus(error, 409)) options.log.warn({ err: error, lease: options.name }, 'leader election round failed');
      if (leading && Date.now() - lastRenewal > renewDeadlineMs) lose('could not renew the Lease in time');
    }
  }

  async function loop(): Promise<void> {
    if (stopped) return;
    await tick();
    if (!stopped) timer = setTimeout(() => void loop(), options.retryPeriodSeconds * 1000);
  }
  void loop();

  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (!leading || !current) return;
      leading = false;
      try {
        await options.rest.replace(objectPath, { ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
      } catch (error) {
        options.log.warn({ err: error }, 'could not release the Lease; a standby takes over when it expires');
      }
    },
  };
}
