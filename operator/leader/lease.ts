/** spec of a coordination.k8s.io/v1 Lease. */
export interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

/** What a candidate does with the Lease this round. */
export type LeaseDecision =
  | { readonly action: 'create' | 'renew' | 'acquire'; readonly spec: LeaseSpec }
  | { readonly action: 'wait'; readonly holder: string; readonly expiresInMs: number };

/** A Lease timestamp (MicroTime: RFC 3339 with microseconds). */
export function microTime(date: Date): string {
  return date.toISOString().replace('Z', '000Z');
}

/**
 * Decide whether to create, renew, take over or leave the Lease. Expiry is judged by the candidate's own clock
 * from when it last saw the record change (`observedChangeAt`), never from the holder's timestamps, so clock
 * skew between nodes cannot make two replicas lead at once.
 */
export function decideLease(spec: LeaseSpec | undefined, identity: string, now: Date, durationSeconds: number, observedChangeAt: Date): LeaseDecision {
  const fresh: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now) };
  if (!spec) return { action: 'create', spec: { ...fresh, leaseTransitions: 0 } };
  if (spec.holderIdentity === identity) return { action: 'renew', spec: { ...spec, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) } };
  const duration = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
  const expiresInMs = observedChangeAt.getTime() + duration - now.getTime();
  if (spec.holderIdentity && expiresInMs > 0) return { action: 'wait', holder: spec.holderIdentity, expiresInMs };
  return { action: 'acquire', spec: { ...fresh, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } };
}
