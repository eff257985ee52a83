import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { BadInputError } from '../errors.ts';
import { deepFreeze, firstProblem, parseTrainingSpec, type MarketSpec, type ModelSpec, type TrainingSpec } from '../spec.ts';
import { ForecastModelSpecSchema, type ForecastTrainingSchema, type PromotionSchema, type ServingSchema } from './forecast-model.ts';
import { TrainingRunSpecSchema, type TrainingJobSettings } from './training-run.ts';

/** ForecastModel spec with every default applied, as the API server stores it. */
export interface ResolvedForecastModelSpec {
  readonly market: MarketSpec;
  readonly model: ModelSpec;
  readonly training: Static<typeof ForecastTrainingSchema>;
  readonly promotion: Static<typeof PromotionSchema>;
  readonly serving: ResolvedServing;
  readonly suspend: boolean;
}

/**
 * spec.serving with replicas resolved: the user's count, else autoscaling.minReplicas (the floor the
 * PodDisruptionBudget follows), else 1. `autoscaling` set means the HorizontalPodAutoscaler owns the count.
 */
export type ResolvedServing = Omit<Static<typeof ServingSchema>, 'replicas'> & { readonly replicas: number };

/** TrainingRun spec with every default applied. */
export interface ResolvedTrainingRunSpec {
  readonly forecastModel: string;
  readonly reason: NonNullable<TrainingSpec['reason']>;
  readonly market: MarketSpec;
  readonly model: ModelSpec;
  readonly training: TrainingJobSettings;
}

function resolve<T>(schema: TSchema, input: unknown, source: string, objects: readonly string[]): T {
  if (typeof input !== 'object' || input === null) throw new BadInputError(`${source}: must be an object`, source);
  const candidate = Value.Clone(input) as Record<string, unknown>;
  // Nested objects with a default of {} must exist before their own fields can be defaulted.
  for (const key of objects) if (candidate[key] === undefined) candidate[key] = {};
  const withDefaults = Value.Default(schema, candidate);
  const problem = firstProblem(schema, withDefaults, source);
  if (problem) throw new BadInputError(`${problem.field}: ${problem.message}`, problem.field);
  return deepFreeze(withDefaults as T);
}

/** Validate a ForecastModel spec and apply defaults; throws BadInputError naming the first offending field. */
export function resolveForecastModelSpec(input: unknown, source = 'spec'): ResolvedForecastModelSpec {
  const spec = resolve<ResolvedForecastModelSpec & { serving: Static<typeof ServingSchema> }>(ForecastModelSpecSchema, input, source, ['model', 'training', 'promotion', 'serving']);
  // The quantile rules live in the trainer's parser; checking here reports them on the ForecastModel.
  parseTrainingSpec({ market: spec.market, model: spec.model }, source);
  return deepFreeze({ ...spec, serving: resolveServing(spec.serving, `${source}.serving`) });
}

// The API server's CEL rules repeated, for objects written before the CRD carried them.
function resolveServing(serving: Static<typeof ServingSchema>, source: string): ResolvedServing {
  const { autoscaling, replicas } = serving;
  if (autoscaling && replicas !== undefined) throw new BadInputError(`${source}.replicas: must not be set together with autoscaling`, `${source}.replicas`);
  if (autoscaling && autoscaling.minReplicas > autoscaling.maxReplicas) {
    throw new BadInputError(`${source}.autoscaling.minReplicas: must not exceed maxReplicas`, `${source}.autoscaling.minReplicas`);
  }
  return deepFreeze({ ...serving, replicas: replicas ?? autoscaling?.minReplicas ?? 1 });
}

/** Validate a TrainingRun spec and apply defaults; throws BadInputError naming the first offending field. */
export function resolveTrainingRunSpec(input: unknown, source = 'spec'): ResolvedTrainingRunSpec {
  const spec = resolve<ResolvedTrainingRunSpec>(TrainingRunSpecSchema, input, source, ['model', 'training']);
  parseTrainingSpec(trainerSpecOf(spec), source);
  return spec;
}

/** The part of a TrainingRun spec the trainer reads (MUR_TRAINING_SPEC); Job settings stay with the operator. */
export function trainerSpecOf(spec: ResolvedTrainingRunSpec): TrainingSpec {
  return { forecastModel: spec.forecastModel, reason: spec.reason, market: spec.market, model: spec.model };
}
