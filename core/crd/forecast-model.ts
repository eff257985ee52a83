import Type, { type Static } from 'typebox';
import { MarketSpecSchema, ModelSpecSchema } from '../spec.ts';
import { ConditionListSchema } from './conditions.ts';
import { literalUnion } from './literal-union.ts';
import { cronScheduleRules, CRON_SHAPE_PATTERN } from './cron-schedule.ts';
import { LocalSecretReferenceSchema, ResourceRequirementsSchema } from './kubernetes-types.ts';
import { podPlacementProperties } from './pod-placement.ts';
import { AutoscalingSchema, servingRules } from './serving-scale.ts';
import { PROMOTION_METRICS, RunMetricsSchema } from './metrics.ts';
import { RetrainWhenSchema } from './retrain-when.ts';

/** How a newly trained model is judged before it replaces the served one. */
export const PROMOTION_POLICIES = ['Always', 'BeatBaseline', 'BeatCurrent', 'Manual'] as const;
/** What happens to a run's artifacts when the TrainingRun is deleted. */
export const ARTIFACT_RETENTION_POLICIES = ['Delete', 'Keep'] as const;

/** Settings of the trainer Job shared by ForecastModel.spec.training and the TrainingRun snapshot. */
export const jobSettingsProperties = {
  gpu: Type.Boolean({ default: false, description: 'request one nvidia.com/gpu and schedule on GPU nodes' }),
  resources: Type.Optional(ResourceRequirementsSchema),
  ...podPlacementProperties('trainer'),
  activeDeadlineSeconds: Type.Integer({ minimum: 60, maximum: 604_800, default: 7200, description: 'the Job fails when training runs longer' }),
  backoffLimit: Type.Integer({ minimum: 0, maximum: 10, default: 1, description: 'pod retries before the Job fails' }),
  artifactRetention: literalUnion(ARTIFACT_RETENTION_POLICIES, {
    default: 'Delete',
    description: 'Delete removes a run\'s artifacts from object storage when the TrainingRun is deleted; Keep leaves them',
  }),
};

/** spec.training of a ForecastModel. */
export const ForecastTrainingSchema = Type.Object(
  {
    schedule: Type.Optional(
      Type.String({
        maxLength: 128,
        pattern: CRON_SHAPE_PATTERN,
        'x-kubernetes-validations': cronScheduleRules(),
        description:
          'cron schedule for retraining in UTC: minute hour day-of-month month day-of-week (optionally preceded by seconds), e.g. "0 */6 * * *", or @hourly, @daily, @weekly, @monthly, @yearly; absent: train on creation and spec changes only',
      }),
    ),
    retrainWhen: Type.Optional(RetrainWhenSchema),
    ...jobSettingsProperties,
    successfulRunsHistoryLimit: Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'finished successful runs kept' }),
    failedRunsHistoryLimit: Type.Integer({ minimum: 0, maximum: 100, default: 3, description: 'finished failed runs kept' }),
  },
  { additionalProperties: false, default: {}, description: 'when and where the trainer runs' },
);

/** spec.promotion of a ForecastModel. */
export const PromotionSchema = Type.Object(
  {
    policy: literalUnion(PROMOTION_POLICIES, {
      default: 'BeatBaseline',
      description:
        'Always; BeatBaseline: must beat naive on the metric (by the Diebold–Mariano test at significanceLevel where the run reports one); BeatCurrent: must beat the served model (a tie does not promote); Manual: a run is promoted by annotation',
    }),
    metric: literalUnion(PROMOTION_METRICS, { default: 'mase', description: 'the headline metric the policy compares' }),
    significanceLevel: Type.Number({
      exclusiveMinimum: 0,
      maximum: 0.5,
      default: 0.05,
      description:
        'on mase, maseStep1 or skillVsNaive, BeatBaseline promotes only when the Diebold–Mariano test of the median against naive persistence over the rolling-origin backtest gives a p-value below this and favours the model, and BeatCurrent likewise by the trainer\'s test against the served model when it made one; no evidence of skill (or a tie) does not promote',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'which trained models replace the served one',
    'x-kubernetes-validations': [
      {
        // has(): the API server also checks the rule against `default: {}` when the CRD is created, before the
        // fields' own defaults exist; in a stored object both fields are always present (defaulted).
        rule: "!(has(self.policy) && has(self.metric) && self.policy == 'BeatBaseline' && self.metric in ['coverage', 'winkler'])",
        fieldPath: '.metric',
        message: 'naive persistence has no forecast interval: use BeatBaseline with mase, maseStep1, skillVsNaive or directionalAccuracy',
      },
    ],
  },
);

/** spec.serving of a ForecastModel. */
export const ServingSchema = Type.Object(
  {
    // No schema default: a defaulted value could not be told apart from one the user set, and the rule
    // against setting it together with autoscaling needs that. resolveForecastModelSpec resolves it to 1.
    replicas: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 50, description: 'inference pods (1 when absent); more than one also gets a PodDisruptionBudget; not with autoscaling' }),
    ),
    autoscaling: Type.Optional(AutoscalingSchema),
    pinnedRun: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 253,
        pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
        description: 'serve this succeeded TrainingRun whatever the promotion policy says (rollback); remove to return to the newest promoted run',
      }),
    ),
    resources: Type.Optional(ResourceRequirementsSchema),
    tokenSecretRef: Type.Optional(LocalSecretReferenceSchema),
    ...podPlacementProperties('inference'),
  },
  { additionalProperties: false, default: {}, description: 'the inference Deployment', 'x-kubernetes-validations': servingRules() },
);

/** ForecastModel.spec: what to forecast, how to train and how to serve it. */
export const ForecastModelSpecSchema = Type.Object(
  {
    market: MarketSpecSchema,
    model: Type.Optional(Type.Object(ModelSpecSchema.properties, { additionalProperties: false, default: {}, description: 'forecaster shape and training settings' })),
    training: Type.Optional(ForecastTrainingSchema),
    promotion: Type.Optional(PromotionSchema),
    serving: Type.Optional(ServingSchema),
    suspend: Type.Boolean({ default: false, description: 'stop starting new training runs; the served model keeps serving' }),
  },
  { additionalProperties: false },
);

/** The model a ForecastModel serves (or is rolling out). */
export const ServedModelSchema = Type.Object({
  version: Type.String({ description: 'model version (the TrainingRun name)' }),
  uri: Type.String({ description: 'artifact folder URI' }),
  sha256: Type.Optional(Type.String()),
  trainingRun: Type.String(),
  trainedAt: Type.String({ format: 'date-time' }),
  ...RunMetricsSchema.properties,
});

/** ForecastModel.status as the operator reports it. */
export const ForecastModelStatusSchema = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  conditions: Type.Optional(ConditionListSchema),
  model: Type.Optional(ServedModelSchema),
  lastTrainingRun: Type.Optional(Type.String()),
  nextTrainingAt: Type.Optional(Type.String({ format: 'date-time' })),
  lastDriftAt: Type.Optional(Type.String({ format: 'date-time', description: 'when the live record last crossed a spec.training.retrainWhen bound and started a Drift run' })),
  endpoint: Type.Optional(Type.String({ description: 'in-cluster URL of the inference Service' })),
});

/** ForecastModel spec as written by a user (fields with defaults may be absent). */
export type ForecastModelSpec = Static<typeof ForecastModelSpecSchema>;
/** ForecastModel status. */
export type ForecastModelStatus = Static<typeof ForecastModelStatusSchema>;
/** The served model in status. */
export type ServedModel = Static<typeof ServedModelSchema>;
/** One of the promotion policies. */
export type PromotionPolicy = (typeof PROMOTION_POLICIES)[number];
/** Artifact retention policy. */
export type ArtifactRetention = (typeof ARTIFACT_RETENTION_POLICIES)[number];

/** Condition types a ForecastModel reports. */
export const FORECAST_MODEL_CONDITIONS = { ready: 'Ready', trained: 'Trained', serving: 'Serving', degraded: 'Degraded', pinned: 'Pinned' } as const;
