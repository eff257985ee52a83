import Type, { type Static } from 'typebox';
import { MarketSpecSchema, ModelSpecSchema, TRAINING_REASONS } from '../spec.ts';
import { ConditionListSchema } from './conditions.ts';
import { literalUnion } from './literal-union.ts';
import { jobSettingsProperties } from './forecast-model.ts';
import { RunMetricsSchema } from './metrics.ts';

/** Lifecycle phase of a TrainingRun, for `kubectl get tr`. */
export const TRAINING_RUN_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'] as const;

/** spec.training of a TrainingRun: the trainer Job settings, copied from the ForecastModel when the run was created. */
export const TrainingJobSettingsSchema = Type.Object(jobSettingsProperties, {
  additionalProperties: false,
  default: {},
  description: 'trainer Job settings',
});

/** TrainingRun.spec: an immutable snapshot of what to train, for which ForecastModel and why. */
export const TrainingRunSpecSchema = Type.Object(
  {
    forecastModel: Type.String({ minLength: 1, maxLength: 253, description: 'ForecastModel (same namespace) this run trains a model for' }),
    reason: literalUnion(TRAINING_REASONS, { default: 'Manual', description: 'why this run exists; runs created by hand are Manual retrain requests' }),
    market: MarketSpecSchema,
    model: Type.Optional(Type.Object(ModelSpecSchema.properties, { additionalProperties: false, default: {}, description: 'forecaster shape and training settings' })),
    training: Type.Optional(TrainingJobSettingsSchema),
  },
  {
    additionalProperties: false,
    'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'TrainingRun spec is immutable: create a new TrainingRun to train again' }],
  },
);

/** Where the trained model was written. */
export const RunArtifactSchema = Type.Object({
  uri: Type.String(),
  sha256: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
});

/** TrainingRun.status as the operator reports it. */
export const TrainingRunStatusSchema = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  conditions: Type.Optional(ConditionListSchema),
  phase: Type.Optional(literalUnion(TRAINING_RUN_PHASES)),
  jobName: Type.Optional(Type.String()),
  startTime: Type.Optional(Type.String({ format: 'date-time' })),
  completionTime: Type.Optional(Type.String({ format: 'date-time' })),
  artifact: Type.Optional(RunArtifactSchema),
  metrics: Type.Optional(RunMetricsSchema),
  backend: Type.Optional(Type.String({ description: 'TensorFlow.js backend the trainer used' })),
  promoted: Type.Optional(Type.Boolean({ description: 'true once the model was promoted to serving; false when it was rejected' })),
  promotionReason: Type.Optional(Type.String({ description: 'CamelCase reason of the promotion decision' })),
  promotionMessage: Type.Optional(Type.String()),
});

/** TrainingRun spec as written (fields with defaults may be absent). */
export type TrainingRunSpec = Static<typeof TrainingRunSpecSchema>;
/** TrainingRun status. */
export type TrainingRunStatus = Static<typeof TrainingRunStatusSchema>;
/** Trainer Job settings of a run. */
export type TrainingJobSettings = Static<typeof TrainingJobSettingsSchema>;
/** Lifecycle phase of a run. */
export type TrainingRunPhase = (typeof TRAINING_RUN_PHASES)[number];

/** Condition types a TrainingRun reports. */
export const TRAINING_RUN_CONDITIONS = { succeeded: 'Succeeded', failed: 'Failed' } as const;
