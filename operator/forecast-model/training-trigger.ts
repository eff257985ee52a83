import type { ServedModel } from '../../core/crd/forecast-model.ts';
import { API_GROUP_VERSION, FORECAST_MODEL_NAMES, TRAINING_RUN_NAMES } from '../../core/crd/group.ts';
import { kubeTime } from '../../core/crd/conditions.ts';
import type { ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import type { TrainingRunSpec } from '../../core/crd/training-run.ts';
import type { TRAINING_REASONS } from '../../core/spec.ts';
import { controllerReference, type ForecastModelObject, type TrainingRunObject } from '../kube/objects.ts';
import { ANNOTATIONS, ARTIFACT_FINALIZER, LABELS, MANAGED_BY, labelValue, trainingRunName } from '../naming.ts';
import { isFinished, runSettingsHash, trainingSettingsHash } from './run-facts.ts';

type Reason = (typeof TRAINING_REASONS)[number];

/** Why and under which name a new run starts. */
export interface TrainingTrigger {
  readonly reason: Reason;
  readonly name: string;
  readonly scheduledFor?: string;
}

/**
 * Whether a new run is due: Initial (no run and no model), SpecChanged (the newest run the operator made trains
 * other settings) or Scheduled (the cron slot after the last run has come). Never while one runs or suspended.
 */
export function trainingTrigger(fm: ForecastModelObject, spec: ResolvedForecastModelSpec, runs: readonly TrainingRunObject[], served: ServedModel | undefined, due: Date | undefined, now: Date): TrainingTrigger | undefined {
  if (spec.suspend || runs.some((r) => !isFinished(r) && !r.metadata.deletionTimestamp)) return undefined;
  const settings = trainingSettingsHash(spec.market, spec.model);
  const byFingerprint = (extra: Record<string, unknown>) => trainingRunName(fm.metadata.name, { settings, ...extra });
  const own = runs.filter((r) => r.spec.reason !== 'Manual');
  if (own.length === 0) {
    return served ? undefined : { reason: 'Initial', name: byFingerprint({ generation: fm.metadata.generation ?? 0 }) };
  }
  if (runSettingsHash(own[0]!) !== settings) return { reason: 'SpecChanged', name: byFingerprint({ generation: fm.metadata.generation ?? 0 }) };
  if (due && now.getTime() >= due.getTime()) return { reason: 'Scheduled', name: byFingerprint({ slot: due.toISOString() }), scheduledFor: kubeTime(due) };
  return undefined;
}

/** The Drift trigger: the ForecastModel's own settings, named by which drift this is, so a repeated decision names the same run. */
export function driftTrainingTrigger(fm: ForecastModelObject, spec: ResolvedForecastModelSpec, runs: readonly TrainingRunObject[], fingerprint: Record<string, string>): TrainingTrigger | undefined {
  if (spec.suspend || runs.some((r) => !isFinished(r) && !r.metadata.deletionTimestamp)) return undefined;
  return { reason: 'Drift', name: trainingRunName(fm.metadata.name, { settings: trainingSettingsHash(spec.market, spec.model), ...fingerprint }) };
}

/** The TrainingRun to create for a trigger: owned by the ForecastModel, with the artifact finalizer. */
export function newTrainingRun(fm: ForecastModelObject, spec: ResolvedForecastModelSpec, trigger: TrainingTrigger, now: Date): TrainingRunObject {
  const { schedule: _schedule, retrainWhen: _retrainWhen, successfulRunsHistoryLimit: _ok, failedRunsHistoryLimit: _failed, ...jobSettings } = spec.training;
  const runSpec: TrainingRunSpec = { forecastModel: fm.metadata.name, reason: trigger.reason, market: spec.market, model: spec.model, training: jobSettings };
  return {
    apiVersion: API_GROUP_VERSION,
    kind: TRAINING_RUN_NAMES.kind,
    metadata: {
      name: trigger.name,
      namespace: fm.metadata.namespace,
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.forecastModel]: labelValue(fm.metadata.name) },
      annotations: {
        [ANNOTATIONS.specHash]: trainingSettingsHash(spec.market, spec.model),
        [ANNOTATIONS.createdAt]: now.toISOString(),
        ...(trigger.scheduledFor ? { [ANNOTATIONS.scheduledFor]: trigger.scheduledFor } : {}),
      },
      ownerReferences: [controllerReference(fm, API_GROUP_VERSION, FORECAST_MODEL_NAMES.kind)],
      finalizers: [ARTIFACT_FINALIZER],
    },
    spec: runSpec,
  };
}
