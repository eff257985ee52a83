import { describe, expect, it } from 'vitest';
import { kubeTime, setCondition, setConditions } from './conditions.ts';

const t0 = new Date('2026-01-01T00:00:00.750Z');
const t1 = new Date('2026-01-01T01:00:00Z');

describe('setCondition', () => {
  it('adds a new condition stamped with the time and generation', () => {
    const list = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'NoModel', message: 'waiting' }, t0, 3);
    expect(list).toEqual([{ type: 'Ready', status: 'False', reason: 'NoModel', message: 'waiting', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 3 }]);
  });

  it('keeps lastTransitionTime when only the reason or message changes', () => {
    const first = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'NoModel', message: 'a' }, t0, 1);
    const second = setCondition(first, { type: 'Ready', status: 'False', reason: 'RollingOut', message: 'b' }, t1, 2);
    expect(second[0]).toMatchObject({ reason: 'RollingOut', message: 'b', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 2 });
  });

  it('moves lastTransitionTime when the status flips', () => {
    const first = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'NoModel', message: '' }, t0, 1);
    const second = setCondition(first, { type: 'Ready', status: 'True', reason: 'Available', message: '' }, t1, 1);
    expect(second[0]!.lastTransitionTime).toBe('2026-01-01T01:00:00Z');
  });

  it('replaces in place and keeps the order of the other conditions', () => {
    const list = setConditions(
      undefined,
      [
        { type: 'Ready', status: 'False', reason: 'A', message: '' },
        { type: 'Trained', status: 'False', reason: 'B', message: '' },
      ],
      t0,
      1,
    );
    const next = setCondition(list, { type: 'Ready', status: 'True', reason: 'C', message: '' }, t1, 1);
    expect(next.map((c) => `${c.type}=${c.status}`)).toEqual(['Ready=True', 'Trained=False']);
  });

  it('yields a deep-equal list when nothing changed, so no status write follows', () => {
    const update = { type: 'Ready', status: 'True', reason: 'Available', message: 'serving' } as const;
    const first = setCondition(undefined, update, t0, 4);
    expect(setCondition(first, update, t1, 4)).toEqual(first);
  });
});

describe('kubeTime', () => {
  it('drops milliseconds like the API server does', () => {
    expect(kubeTime(new Date('2026-03-04T05:06:07.890Z'))).toBe('2026-03-04T05:06:07Z');
  });
});
