import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../core/errors.ts';
import { nextScheduledTime } from './schedule.ts';

describe('nextScheduledTime', () => {
  it('finds the next six-hourly slot in UTC', () => {
    expect(nextScheduledTime('0 */6 * * *', new Date('2026-01-01T07:30:00Z')).toISOString()).toBe('2026-01-01T12:00:00.000Z');
  });

  it('is strictly after the given time', () => {
    expect(nextScheduledTime('0 */6 * * *', new Date('2026-01-01T12:00:00Z')).toISOString()).toBe('2026-01-01T18:00:00.000Z');
  });

  it('understands macros', () => {
    expect(nextScheduledTime('@daily', new Date('2026-01-01T07:30:00Z')).toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('rejects a bad expression with a BadInputError naming the field', () => {
    expect(() => nextScheduledTime('61 * * * *', new Date())).toThrow(BadInputError);
    expect(() => nextScheduledTime('61 * * * *', new Date())).toThrow(/spec\.training\.schedule/);
  });
});
