/**
 * Validation of ForecastModel.spec.training.schedule that the API server enforces. The operator reads the
 * schedule with cron-parser; these rules accept a subset of what it parses (the usual Kubernetes CronJob
 * syntax plus seconds, L and #) so a schedule the API server admits is one the operator can run.
 * The shape is a plain pattern (TypeBox checks it too); each field is a CEL rule of its own, so the
 * error says which field is out of range instead of quoting one long regular expression.
 */

/** Macros cron-parser expands that Kubernetes CronJobs also know. */
export const CRON_MACROS = ['yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'] as const;

/** A macro, or 5 whitespace-separated fields (6 when the first one is seconds). */
export const CRON_SHAPE_PATTERN = `^(@(${CRON_MACROS.join('|')})|(\\S+\\s+){4,5}\\S+)$`;

const FIELDS_ONLY = '^(\\S+\\s+){4,5}\\S+$';
const STEP = '(/[1-9][0-9]*)?';
const MONTH_NAMES = '(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const DAY_NAMES = '(?i:sun|mon|tue|wed|thu|fri|sat)';

/** One field of a cron expression: the regular expression of one value and what the error message says. */
interface CronField {
  readonly name: string;
  /** One value, e.g. 0-59 for minutes. */
  readonly value: string;
  /** List items allowed besides *, ?, a value or a range, each with an optional step. */
  readonly extraItems?: readonly string[];
  /** A form that must stand alone as the whole field. */
  readonly whole?: string;
  readonly allowed: string;
}

const STANDARD_FIELDS: readonly CronField[] = [
  { name: 'minute', value: '[0-5]?[0-9]', allowed: '0-59' },
  { name: 'hour', value: '([01]?[0-9]|2[0-3])', allowed: '0-23' },
  { name: 'day-of-month', value: '(0?[1-9]|[12][0-9]|3[01])', extraItems: ['L'], allowed: '1-31 or L (the last day)' },
  { name: 'month', value: `(0?[1-9]|1[0-2]|${MONTH_NAMES})`, allowed: '1-12 or JAN-DEC' },
  {
    name: 'day-of-week',
    value: `([0-7]|${DAY_NAMES})`,
    extraItems: ['[0-7]L'],
    whole: `([0-7]|${DAY_NAMES})#[1-5]`,
    allowed: '0-7 (0 and 7 are Sunday) or SUN-SAT, nL (the last weekday n of the month) or n#k (the k-th weekday n)',
  },
];

const SECONDS: CronField = { name: 'seconds', value: '[0-5]?[0-9]', allowed: '0-59' };

/** A whole field: a comma-separated list of *, ?, values and ranges, each with an optional step. */
function cronFieldPattern(field: CronField): string {
  const item = `((\\*|\\?|${field.value}(-${field.value})?)${STEP}${(field.extraItems ?? []).map((extra) => `|${extra}`).join('')})`;
  const list = `${item}(,${item})*`;
  return field.whole ? `(${list}|${field.whole})` : list;
}

function message(field: CronField): string {
  return `the ${field.name} field must be ${field.allowed}, *, a range a-b, a step such as */15, or a comma-separated list of these`;
}

/** A CEL rule of an x-kubernetes-validations list. */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
}

/**
 * One CEL rule per cron field. Each applies only to a schedule of 5 or 6 fields (the pattern reports any
 * other shape), and an optional leading group takes the seconds, so a field is found by its place from the end.
 */
export function cronScheduleRules(): CelRule[] {
  // Raw CEL strings (r'…') keep the backslashes of the regular expressions as they are.
  const guarded = (regex: string) => `!self.matches(r'${FIELDS_ONLY}') || self.matches(r'${regex}')`;
  const standard = STANDARD_FIELDS.map((field, i) => ({
    rule: guarded(`^(\\S+\\s+)?${'\\S+\\s+'.repeat(i)}${cronFieldPattern(field)}${'\\s+\\S+'.repeat(STANDARD_FIELDS.length - 1 - i)}$`),
    message: message(field),
  }));
  const seconds = { rule: guarded(`^(${cronFieldPattern(SECONDS)}\\s+)?\\S+${'\\s+\\S+'.repeat(STANDARD_FIELDS.length - 1)}$`), message: `${message(SECONDS)} (a 6-field schedule starts with seconds)` };
  return [seconds, ...standard];
}

