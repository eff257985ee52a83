import { describe, expect, it } from 'vitest';
import { decideLease, microTime } from './lease.ts';

const t0 = new Date('2026-01-01T00:00:00Z');
const later = (s: number) => new Date(t0.getTime() + s * 1000);

describe('decideLease', () => {
  it('creates the Lease when there is none', () => {
    expect(decideLease(undefined, 'op-a', t0, 15, t0)).toEqual({
      action: 'create',
      spec: { holderIdentity: 'op-a', leaseDurationSeconds: 15, acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:00.000000Z', leaseTransitions: 0 },
    });
  });

  it('renews its own Lease', () => {
    const held = { holderIdentity: 'op-a', leaseDurationSeconds: 15, acquireTime: microTime(t0), renewTime: microTime(t0), leaseTransitions: 0 };
    expect(decideLease(held, 'op-a', later(2), 15, t0)).toMatchObject({ action: 'renew', spec: { acquireTime: microTime(t0), renewTime: microTime(later(2)) } });
  });

  it('waits while another holder renews in time', () => {
    const held = { holderIdentity: 'op-a', leaseDurationSeconds: 15, renewTime: microTime(t0) };
    expect(decideLease(held, 'op-b', later(10), 15, t0)).toEqual({ action: 'wait', holder: 'op-a', expiresInMs: 5000 });
  });

  it('takes over once the holder stopped renewing for a whole lease duration', () => {
    const held = { holderIdentity: 'op-a', leaseDurationSeconds: 15, renewTime: microTime(t0), leaseTransitions: 3 };
    expect(decideLease(held, 'op-b', later(16), 15, t0)).toMatchObject({ action: 'acquire', spec: { holderIdentity: 'op-b', leaseTransitions: 4 } });
  });

  it('judges expiry from when this candidate saw the record change, not from the holder clock', () => {
    // The holder's clock runs an hour behind; its renewTime looks ancient but it renewed 3 s ago.
    const held = { holderIdentity: 'op-a', leaseDurationSeconds: 15, renewTime: microTime(new Date(t0.getTime() - 3_600_000)) };
    expect(decideLease(held, 'op-b', later(3), 15, t0).action).toBe('wait');
  });

  it('takes a released Lease at once', () => {
    expect(decideLease({ holderIdentity: '', leaseTransitions: 1 }, 'op-b', t0, 15, t0)).toMatchObject({ action: 'acquire' });
  });
});
