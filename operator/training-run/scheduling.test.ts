import { describe, expect, it } from 'vitest';
import type { PodObject } from '../kube/objects.ts';
import { slimTrainerPod, unschedulableTrainerPod } from './scheduling.ts';

const NO_GPU = '0/1 nodes are available: 1 Insufficient nvidia.com/gpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.';

function pod(name: string, phase: string, scheduled?: { status: string; reason?: string; message?: string }): PodObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'markets' }, status: { phase, ...(scheduled ? { conditions: [{ type: 'PodScheduled', ...scheduled }] } : {}) } };
}

describe('unschedulableTrainerPod', () => {
  it('names the Pod and keeps the scheduler\'s message', () => {
    expect(unschedulableTrainerPod([pod('btc-1-train-abc', 'Pending', { status: 'False', reason: 'Unschedulable', message: NO_GPU })])).toEqual({ pod: 'btc-1-train-abc', message: NO_GPU });
  });

  it('is silent for a Pod not yet looked at, a placed Pod, or one that has finished', () => {
    expect(unschedulableTrainerPod([pod('a', 'Pending')])).toBeUndefined();
    expect(unschedulableTrainerPod([pod('a', 'Pending', { status: 'True' })])).toBeUndefined();
    expect(unschedulableTrainerPod([pod('a', 'Failed', { status: 'False', reason: 'Unschedulable', message: NO_GPU })])).toBeUndefined();
  });

  it('is silent while another Pod of the Job is placed', () => {
    expect(unschedulableTrainerPod([pod('a', 'Pending', { status: 'False', reason: 'Unschedulable', message: NO_GPU }), pod('b', 'Running', { status: 'True' })])).toBeUndefined();
  });

  it('ignores PodScheduled=False for reasons other than Unschedulable (a gated Pod is waiting on purpose)', () => {
    expect(unschedulableTrainerPod([pod('a', 'Pending', { status: 'False', reason: 'SchedulingGated', message: 'gated' })])).toBeUndefined();
  });
});

describe('slimTrainerPod', () => {
  it('keeps the phase and PodScheduled only', () => {
    const full = {
      ...pod('a', 'Running', { status: 'True' }),
      metadata: { name: 'a', namespace: 'markets', managedFields: [{}] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True', lastTransitionTime: 'x' }], containerStatuses: [{ name: 'trainer' }] },
    } as unknown as PodObject;
    expect(slimTrainerPod(full)).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'markets' }, status: { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }] } });
  });
});
