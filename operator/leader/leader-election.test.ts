import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import type { KubeRest } from '../kube/rest-client.ts';
import { createMemoryRest } from '../test-support/memory-kube.ts';
import { LeadershipLostError, startLeaderElection, type LeaderElection } from './leader-election.ts';

const log = createLogger({ name: 'leader-election', level: 'silent' });

/** A campaign on a memory API server with a monotonic clock the test moves; 15 s lease, so 10 s to act per renewal. */
async function campaign(options: { retryPeriodSeconds?: number; rest?: (clock: { t: number }) => KubeRest } = {}) {
  const clock = { t: 0 };
  const memory = createMemoryRest();
  const stopped = vi.fn();
  const leading = Promise.withResolvers<void>();
  const election: LeaderElection = startLeaderElection({
    rest: options.rest?.(clock) ?? memory,
    namespace: 'mur',
    name: 'operator',
    identity: 'op-a',
    durationSeconds: 15,
    retryPeriodSeconds: options.retryPeriodSeconds ?? 3600,
    log,
    monotonicNow: () => clock.t,
    onStartedLeading: leading.resolve,
    onStoppedLeading: stopped,
  });
  await leading.promise;
  return { clock, memory, stopped, election };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startLeaderElection: acting only while leadership is certain', () => {
  it('refuses writes once the renewal deadline has passed, and gives leadership up exactly once', async () => {
    const { clock, memory, stopped, election } = await campaign();
    clock.t = 9_999;
    expect(() => election.assertLeader()).not.toThrow();
    expect(election.isLeader()).toBe(true);
    clock.t = 10_000;
    expect(election.isLeader()).toBe(false);
    expect(() => election.assertLeader()).toThrow(LeadershipLostError);
    expect(() => election.assertLeader()).toThrow(/refusing to write: op-a does not lead/);
    expect(stopped).toHaveBeenCalledTimes(1);
    // The Lease may belong to another replica by now: it is left to expire, not released.
    await election.stop();
    expect(memory.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('counts the deadline from before the renewal request was sent', async () => {
    const slow = (clock: { t: number }): KubeRest => {
      const inner = createMemoryRest();
      return { ...inner, create: async (path, body) => ((clock.t += 4_000), inner.create(path, body)) };
    };
    const { clock, election } = await campaign({ rest: slow });
    expect(clock.t).toBe(4_000);
    clock.t = 10_000;
    expect(() => election.assertLeader()).toThrow(LeadershipLostError);
  });

  it('keeps leading while renewals succeed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { clock, stopped, election } = await campaign({ retryPeriodSeconds: 2 });
    for (let round = 0; round < 10; round++) {
      clock.t += 2_000;
      await vi.advanceTimersByTimeAsync(2_000);
    }
    clock.t += 9_000;
    expect(() => election.assertLeader()).not.toThrow();
    expect(stopped).not.toHaveBeenCalled();
    await election.stop();
  });

  it('after a pause longer than the deadline, a late renewal timer stops leading without writing the Lease', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { clock, memory, stopped, election } = await campaign({ retryPeriodSeconds: 2 });
    // SIGSTOP for 20 s, then SIGCONT: the monotonic clock moved on, the timer fires late.
    clock.t = 20_000;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(stopped).toHaveBeenCalledTimes(1);
    expect(memory.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(() => election.assertLeader()).toThrow(LeadershipLostError);
    await election.stop();
  });
});
