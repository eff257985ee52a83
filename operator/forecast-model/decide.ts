import type { V1Deployment, V1PodDisruptionBudget, V1Service } from '@kubernetes/client-node';
import { findCondition, setConditions, kubeTime } from '../../core/crd/conditions.ts';
import { FORECAST_MODEL_CONDITIONS, type ForecastModelStatus } from '../../core/crd/forecast-model.ts';
import { resolveForecastModelSpec, type ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import type { TrainingRunStatus } from '../../core/crd/training-run.ts';
import { describeError } from '../../core/errors.ts';
import {
  buildInferenceDeployment,
  buildInferenceDisruptionBudget,
  buildInferenceService,
  desiredHashOf,
  inferenceEndpoint,
  type InferenceOptions,
} from '../builders/inference.ts';
import { FM_REASONS, type EventIntent } from '../events.ts';
import type { DeploymentObject, ForecastModelObject, KubeObject, TrainingRunObject } from '../kube/objects.ts';
import { statusDiffers } from '../kube/status-patch.ts';
import { forecastModelConditions } from './conditions.ts';
import { runsToPrune } from './history.ts';
import { decidePromotions } from './promotion-step.ts';
import { createdAt, newestFirst } from './run-facts.ts';
import { nextScheduledTime } from './schedule.ts';
import { observedServedModel } from './served-model.ts';
import { newTrainingRun, trainingTrigger } from './training-trigger.ts';

/** What the ForecastModel controller observed: the object, its runs and its serving objects. */
export interface ForecastModelObservation {
  readonly forecastModel: ForecastModelObject;
  /** TrainingRuns in the same namespace whose spec.forecastModel names it. */
  readonly runs: readonly TrainingRunObject[];
  readonly deployment?: DeploymentObject;
  readonly service?: KubeObject;
  readonly disruptionBudget?: KubeObject;
  readonly now: Date;
}

/** Creating or replacing one owned object. */
export interface ChildWrite<T> {
  readonly action: 'create' | 'replace';
  readonly object: T;
}

/** Deleting one owned object. */
export interface ChildDelete {
  readonly action: 'delete';
  readonly name: string;
}

/** A change to one owned object. */
export type ChildChange<T> = ChildWrite<T> | ChildDelete;

/** Everything the ForecastModel controller should do, decided without side effects. */
export interface ForecastModelPlan {
  readonly createRun?: TrainingRunObject;
  readonly deleteRuns: readonly string[];
  readonly runStatusUpdates: readonly { readonly name: string; readonly status: Partial<TrainingRunStatus> }[];
  /**
   * Never deleted: a Deployment or Service outlives any model it does not know (it goes with its ForecastModel
   * by garbage collection), so no decision taken on a stale or partial view can take serving down.
   */
  readonly deployment?: ChildWrite<V1Deployment>;
  readonly service?: ChildWrite<V1Service>;
  /** Deleted when the ForecastModel scales back to one replica. */
  readonly disruptionBudget?: ChildChange<V1PodDisruptionBudget>;
  readonly status: ForecastModelStatus;
  readonly statusChanged: boolean;
  readonly events: readonly EventIntent[];
  /** Reconcile again after this long (the next scheduled training), even if nothing changes. */
  readonly requeueAfterMs?: number;
}

/** Operator settings the decision depends on. */
export interface ForecastModelSettings {
  readonly inference: InferenceOptions;
}

function childWrite<T>(desired: T, observed: KubeObject | undefined): ChildWrite<T> | undefined {
  if (!observed) return { action: 'create', object: desired };
  return desiredHashOf(observed) === desiredHashOf(desired) ? undefined : { action: 'replace', object: desired };
}

function rolledOut(deployment: DeploymentObject | undefined, desired: V1Deployment): boolean {
  if (!deployment || desiredHashOf(deployment) !== desiredHashOf(desired)) return false;
  const want = desired.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0) && (status.updatedReplicas ?? 0) >= want && (status.availableReplicas ?? 0) >= want;
}

/** Decide what the ForecastModel controller does for one ForecastModel. Pure: (observation, settings) => plan. */
export function decideForecastModel(observation: ForecastModelObservation, settings: ForecastModelSettings): ForecastModelPlan {
  const { forecastModel: fm, now } = observation;
  const generation = fm.metadata.generation;
  const runs = newestFirst(observation.runs);
  const previous = fm.status ?? {};
  const idle = { deleteRuns: [], runStatusUpdates: [], events: [] };

  let spec: ResolvedForecastModelSpec;
  try {
    spec = resolveForecastModelSpec(fm.spec);
  } catch (error) {
    const conditions = setConditions(previous.conditions, forecastModelConditions({ specError: describeError(error), runs, served: previous.model, servingReady: false, lastRejection: undefined }).slice(3), now, generation);
    const status = { ...previous, observedGeneration: generation, conditions };
    const changed = statusDiffers(previous, status);
    return { ...idle, status, statusChanged: changed, events: changed ? [{ type: 'Warning', reason: FM_REASONS.invalidSpec, message: describeError(error) }] : [] };
  }

  // Status is a cache: the served model is read from the Deployment and the runs when status lost it.
  const observed = observedServedModel(previous.model, runs, observation.deployment);
  const promotion = decidePromotions(spec, runs, observed, previous.model);
  const served = promotion.served;

  let due: Date | undefined;
  let scheduleError: string | undefined;
  if (spec.training.schedule && !spec.suspend) {
    try {
      due = nextScheduledTime(spec.training.schedule, new Date(runs[0] ? createdAt(runs[0]) : createdAt(fm)));
    } catch (error) {
      scheduleError = describeError(error);
    }
  }
  const trigger = trainingTrigger(fm, spec, runs, served, due, now);
  const createRun = trigger ? newTrainingRun(fm, spec, trigger, now) : undefined;
  if (createRun && spec.training.schedule && !scheduleError) due = nextScheduledTime(spec.training.schedule, now);

  const deployment = served ? buildInferenceDeployment(fm, spec, served, settings.inference) : undefined;
  const budget = served ? buildInferenceDisruptionBudget(fm, spec) : undefined;
  const servingReady = deployment ? rolledOut(observation.deployment, deployment) : false;

  const conditions = setConditions(
    previous.conditions,
    forecastModelConditions({ spec, ...(scheduleError ? { scheduleError } : {}), runs: createRun ? [createRun, ...runs] : runs, served, servingReady, lastRejection: promotion.lastRejection }),
    now,
    generation,
  );
  const lastTrainingRun = createRun?.metadata.name ?? runs[0]?.metadata.name;
  const status: ForecastModelStatus = {
    observedGeneration: generation,
    conditions,
    ...(served ? { model: served, endpoint: inferenceEndpoint(fm, settings.inference.clusterDomain) } : {}),
    ...(lastTrainingRun ? { lastTrainingRun } : {}),
    ...(due ? { nextTrainingAt: kubeTime(due) } : {}),
  };

  const events = [...promotion.events];
  if (createRun) events.unshift({ type: 'Normal', reason: FM_REASONS.trainingRunCreated, message: `created TrainingRun ${createRun.metadata.name} (${trigger!.reason})` });
  if (scheduleError && !alreadyReported(previous, FM_REASONS.invalidSchedule, scheduleError)) events.push({ type: 'Warning', reason: FM_REASONS.invalidSchedule, message: scheduleError });
  const protectedRuns = new Set([previous.model?.trainingRun, observed?.trainingRun, served?.trainingRun, runs[0]?.metadata.name].filter((n): n is string => !!n));

  return {
    ...(createRun ? { createRun } : {}),
    deleteRuns: runsToPrune(runs, spec.training, protectedRuns),
    runStatusUpdates: promotion.updates,
    // With no model known, the serving objects are left as they are: whatever they serve beats serving nothing.
    ...(deployment ? optional('deployment', childWrite(deployment, observation.deployment)) : {}),
    ...(served ? optional('service', childWrite(buildInferenceService(fm), observation.service)) : {}),
    ...(served ? optional('disruptionBudget', budget ? childWrite(budget, observation.disruptionBudget) : removal(observation.disruptionBudget)) : {}),
    status,
    statusChanged: statusDiffers(previous, status),
    events,
    ...(due ? { requeueAfterMs: Math.max(1000, due.getTime() - now.getTime()) } : {}),
  };
}

function removal(observed: KubeObject | undefined): ChildDelete | undefined {
  return observed ? { action: 'delete', name: observed.metadata.name } : undefined;
}

/** True when the Trained condition already reports this problem, so its Event was recorded once. */
function alreadyReported(previous: ForecastModelStatus, reason: string, message: string): boolean {
  const trained = findCondition(previous.conditions, FORECAST_MODEL_CONDITIONS.trained);
  return trained?.reason === reason && trained.message === message;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
