import { describe, expect, it } from 'vitest';
import type { ConditionUpdate } from '../../core/crd/conditions.ts';
import { trainingRunFixture } from '../test-support/fixtures.ts';
import { forecastModelConditions } from './conditions.ts';

const condition = (reason: string, message: string) => ({ type: 'Succeeded', status: 'Unknown' as const, reason, message, lastTransitionTime: '2026-01-01T00:00:06Z' });
const trainedOf = (updates: readonly ConditionUpdate[]) => updates.find((c) => c.type === 'Trained');
const base = { served: undefined, servingReady: false, lastRejection: undefined };

describe('forecastModelConditions for a run in flight', () => {
  it('says Training while the trainer Pod is placed or waiting', () => {
    const run = trainingRunFixture('btc-1', { status: { phase: 'Running', conditions: [condition('Running', 'Job btc-1-train is training')] } });
    expect(trainedOf(forecastModelConditions({ ...base, runs: [run] }))).toMatchObject({ status: 'False', reason: 'Training', message: 'btc-1 is training' });
  });

  it('passes on the scheduler\'s verdict when the trainer Pod cannot be scheduled', () => {
    const why = 'trainer Pod btc-1-train-x7k2p cannot be scheduled: 0/1 nodes are available: 1 Insufficient nvidia.com/gpu.';
    const run = trainingRunFixture('btc-1', { status: { phase: 'Pending', conditions: [condition('Unschedulable', why)] } });
    expect(trainedOf(forecastModelConditions({ ...base, runs: [run] }))).toMatchObject({ status: 'False', reason: 'TrainerUnschedulable', message: `btc-1: ${why}` });
  });
});
