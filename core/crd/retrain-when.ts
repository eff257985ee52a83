/**
 * ForecastModel.spec.training.retrainWhen: the live track record of the served model (what the inference
 * service scores since the training cutoff) that starts a Drift TrainingRun. The API server enforces the
 * schema and CEL rules; {@link parseRetrainWhen} repeats them for objects written before the CRD carried them.
 */
import Type, { type Static } from 'typebox';
import { BadInputError } from '../errors.ts';

/** A Go duration of hours, minutes and seconds, as Kubernetes writes them: `24h`, `90m`, `1h30m`, `0.5h`. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(h|m|s))+$';

/** The shortest cooldown: a scrape period or two, so drift cannot retrain back to back. */
const MIN_COOLDOWN = '1m';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** spec.training.retrainWhen of a ForecastModel. */
export const RetrainWhenSchema = Type.Object(
  {
    coverageBelow: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: 'retrain when the live coverage of the outer interval (all steps) falls below this fraction, between 0 and 1; keep it under the nominal coverage of the quantiles (0.8 for 0.1–0.9)',
      }),
    ),
    maseAbove: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'retrain when the live MASE (all steps) rises above this' })),
    minSamples: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 100, description: 'forecasts the live record must have scored at every horizon step before a bound counts' }),
    cooldown: Type.String({
      maxLength: 32,
      pattern: DURATION_PATTERN,
      default: '24h',
      description: `at most one Drift run per this long (a duration such as 24h, 90m or 1h30m, at least ${MIN_COOLDOWN})`,
      'x-kubernetes-validations': [{ rule: `duration(self) >= duration('${MIN_COOLDOWN}')`, message: `cooldown must be at least ${MIN_COOLDOWN}` }],
    }),
  },
  {
    additionalProperties: false,
    description: 'retrain when the served model\'s live track record degrades (the inference service scores its forecasts since the training cutoff)',
    'x-kubernetes-validations': [{ rule: 'has(self.coverageBelow) || has(self.maseAbove)', message: 'retrainWhen needs coverageBelow, maseAbove or both' }],
  },
);

/** spec.training.retrainWhen with defaults applied. */
export type RetrainWhen = Static<typeof RetrainWhenSchema>;

/** retrainWhen as the operator applies it: the bounds, the sample floor and the cooldown in milliseconds. */
export interface RetrainPolicy {
  readonly coverageBelow?: number;
  readonly maseAbove?: number;
  readonly minSamples: number;
  readonly cooldownMs: number;
}

/** Milliseconds of a Go duration of h, m and s (`1h30m`); throws BadInputError naming `field` otherwise. */
export function parseDurationMs(text: string, field: string): number {
  if (!new RegExp(DURATION_PATTERN).test(text)) throw new BadInputError(`${field}: "${text}" is not a duration such as 24h, 90m or 1h30m`, field);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(h|m|s)/g)) total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

/** The retrain policy of a resolved retrainWhen, checking the API server's CEL rules again. */
export function parseRetrainWhen(retrainWhen: RetrainWhen, field = 'spec.training.retrainWhen'): RetrainPolicy {
  if (retrainWhen.coverageBelow === undefined && retrainWhen.maseAbove === undefined) {
    throw new BadInputError(`${field}: retrainWhen needs coverageBelow, maseAbove or both`, field);
  }
  const cooldownMs = parseDurationMs(retrainWhen.cooldown, `${field}.cooldown`);
  if (cooldownMs < parseDurationMs(MIN_COOLDOWN, `${field}.cooldown`)) throw new BadInputError(`${field}.cooldown: must be at least ${MIN_COOLDOWN}`, `${field}.cooldown`);
  return {
    ...(retrainWhen.coverageBelow !== undefined ? { coverageBelow: retrainWhen.coverageBelow } : {}),
    ...(retrainWhen.maseAbove !== undefined ? { maseAbove: retrainWhen.maseAbove } : {}),
    minSamples: retrainWhen.minSamples,
    cooldownMs,
  };
}
