import { CronExpressionParser } from 'cron-parser';
import { BadInputError } from '../../core/errors.ts';

/** The first time the cron `schedule` fires strictly after `after`, in UTC. Throws BadInputError for a bad expression. */
export function nextScheduledTime(schedule: string, after: Date): Date {
  try {
    return CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC' }).next().toDate();
  } catch (cause) {
    throw new BadInputError(`spec.training.schedule: "${schedule}" is not a valid cron expression (${(cause as Error).message})`, 'spec.training.schedule', { cause });
  }
}
