import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { CRON_SHAPE_PATTERN, cronScheduleRules } from './cron-schedule.ts';

// The rules are `!self.matches(r'<shape>') || self.matches(r'<field>')`; JavaScript reads these regular
// expressions the way RE2 does, so the API server's verdict can be replayed here.
const RULE = /^!self\.matches\(r'([^']+)'\) \|\| self\.matches\(r'([^']+)'\)$/;

/** The messages of the rules `schedule` breaks, or ['shape'] when the pattern already refuses it. */
function refusals(schedule: string): string[] {
  if (!new RegExp(CRON_SHAPE_PATTERN).test(schedule)) return ['shape'];
  return cronScheduleRules()
    .filter(({ rule }) => {
      const [, guard, field] = RULE.exec(rule)!;
      return new RegExp(guard!).test(schedule) && !new RegExp(field!).test(schedule);
    })
    .map((r) => r.message);
}

function operatorAccepts(schedule: string): boolean {
  try {
    CronExpressionParser.parse(schedule, { currentDate: new Date('2026-01-01T00:00:00Z'), tz: 'UTC' }).next();
    return true;
  } catch {
    return false;
  }
}

const VALID = [
  '0 */6 * * *', '*/15 * * * *', '0 0 * * 0', '30 2 1 * *', '0 9-17 * * 1-5', '0 0,12 * * *', '5 4 * * sun',
  '0 0 * JAN-MAR MON-FRI', '0 0 1 */3 *', '0 0 L * *', '0 0 * * 5L', '0 0 * * 1#2', '0 0 * * 7', '59 23 31 12 6',
  '0 0 ? * *', '00 05 * * *', '10-50/10 * * * *', '30 0 */6 * * *', '0  */6  *  *  *',
  '@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually',
];

const INVALID: [string, string][] = [
  ['61 * * * *', 'minute'], ['0 24 * * *', 'hour'], ['0 0 0 * *', 'day-of-month'], ['0 0 32 * *', 'day-of-month'],
  ['0 0 * 13 *', 'month'], ['0 0 * 0 *', 'month'], ['0 0 * * 8', 'day-of-week'], ['*/0 * * * *', 'minute'],
  ['60 0 * * * *', 'seconds'], ['0 0 * * MON#6', 'day-of-week'], ['0 0 * FOO *', 'month'], ['1,,2 * * * *', 'minute'],
  ['0 0 * * 1#2,3', 'day-of-week'], ['0 25 * * *', 'hour'], ['0 0 l * *', 'day-of-month'],
];

describe('cron schedule rules', () => {
  it.each(VALID)('admit %s, which the operator parses', (schedule) => {
    expect(refusals(schedule)).toEqual([]);
    expect(operatorAccepts(schedule)).toBe(true);
  });

  it.each(INVALID)('refuse %s in the %s field only', (schedule, field) => {
    expect(refusals(schedule)).toEqual([expect.stringContaining(`the ${field} field`)]);
    expect(operatorAccepts(schedule)).toBe(false);
  });

  it('refuse hashed values (H), which the operator would draw afresh on every reconcile without a seed', () => {
    expect(refusals('H * * * *')).toEqual([expect.stringContaining('the minute field')]);
  });

  it('refuse other shapes by pattern', () => {
    for (const schedule of ['sometimes', '* * * *', '0 0 0 * * * *', '@every 5m', ' 0 * * * *']) expect(refusals(schedule)).toEqual(['shape']);
  });
});
