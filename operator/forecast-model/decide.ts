import type { V1Deployment, V1PodDisruptionBudget, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { findCondition, setConditions, kubeTime } from '../../core/crd/conditions.ts';
import { FORECAST_MODEL_CONDITIONS, type ForecastModelStatus } from '../../core/crd/forecast-model.ts';
import { resolveForecastModelSpec, type ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import { parseRetrainWhen, type RetrainPolicy } from '../../core/crd/retrain-when.ts';
import type { TrainingRunStatus } from '../../core/crd/training-run.ts';
import { describeError } from '../../core/errors.ts';
import { inferenceEndpoint, type InferenceOptions } from '../builders/inference.ts';
import type { LiveRecord } from '../drift/live-record.ts';
import { FM_REASONS, type EventIntent } from '../events.ts';
import type { DeploymentObject, ForecastModelObject, KubeObject, TrainingRunObject } from '../kube/objects.ts';
import { statusDiffers } from '../kube/status-patch.ts';
import { forecastModelConditions } from './conditions.ts';
import { driftDue, driftEvent, lastDriftTime } from './drift-trigger.ts';
import { runsToPrune } from './history.ts';
import { deployedPinnedRun, lookUpPinnedRun, newestPromotedModel, pinReport } from './pinning.ts';
import { decidePromotions } from './promotion-step.ts';
import { createdAt, newestFirst } from './run-facts.ts';
import { nextScheduledTime } from './schedule.ts';
import { observedServedModel } from './served-model.ts';
import { decideServing, type ChildChange, type ChildWrite } from './serving-step.ts';
import { driftTrainingTrigger, newTrainingRun, trainingTrigger } from './training-trigger.ts';

export type { ChildChange, ChildDelete, ChildWrite } from './serving-step.ts';

/** What the ForecastModel controller observed: the object, its runs and its serving objects. */
export interface ForecastModelObservation {
  readonly forecastModel: ForecastModelObject;
  /** TrainingRuns in the same namespace whose spec.forecastModel names it. */
  readonly runs: readonly TrainingRunObject[];
  readonly deployment?: DeploymentObject;
  readonly service?: KubeObject;
  readonly disruptionBudget?: KubeObject;
  readonly autoscaler?: KubeObject;
  /** The served model's live track record, scraped from its inference service (only with spec.training.retrainWhen). */
  readonly liveRecord?: LiveRecord;
  readonly now: Date;
}

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
  /** Deleted when the replica floor drops back to one. */
  readonly disruptionBudget?: ChildChange<V1PodDisruptionBudget>;
  /** Exists while spec.serving.autoscaling is set. */
  readonly autoscaler?: ChildChange<V2HorizontalPodAutoscaler>;
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

/** Decide what the ForecastModel controller does for one ForecastModel. Pure: (observation, settings) => plan. */
export function decideForecastModel(observation: ForecastModelObservation, settings: ForecastModelSettings): ForecastModelPlan {
  const { forecastModel: fm, now } = observation;
  const generation = fm.metadata.generation;
  const runs = newestFirst(observation.runs);
  const previous = fm.status ?? {};
  const idle = { deleteRuns: [], runStatusUpdates: [], events: [] };

  let spec: ResolvedForecastModelSpec;
  let retrainPolicy: RetrainPolicy | undefined;
  try {
    spec = resolveForecastModelSpec(fm.spec);
    retrainPolicy = spec.training.retrainWhen ? parseRetrainWhen(spec.training.retrainWhen) : undefined;
  } catch (error) {
    const conditions = setConditions(previous.conditions, forecastModelConditions({ specError: describeError(error), runs, served: previous.model, servingReady: false, lastRejection: undefined }).slice(3), now, generation);
    const status = { ...previous, observedGeneration: generation, conditions };
    const changed = statusDiffers(previous, status);
    return { ...idle, status, statusChanged: changed, events: changed ? [{ type: 'Warning', reason: FM_REASONS.invalidSpec, message: describeError(error) }] : [] };
  }

  // Status is a cache: the served model is read from the Deployment and the runs when status lost it.
  const observed = observedServedModel(previous.model, runs, observation.deployment);
  const pinnedRun = spec.serving.pinnedRun;
  const pin = pinnedRun ? lookUpPinnedRun(pinnedRun, runs) : undefined;
  const wasPinned = deployedPinnedRun(observation.deployment);
  // While pinned, and on the pass that unpins, promotion follows its own track (the newest promoted run)
  // instead of the pinned model the Deployment serves, so unpinning returns to it.
  const track = pinnedRun || wasPinned ? (newestPromotedModel(runs) ?? observed) : observed;
  const promotion = decidePromotions(spec, runs, track, previous.model);
  const pinnedModel = pin && 'model' in pin ? pin.model : undefined;
  // A pin that cannot be served changes nothing: the model served now keeps serving.
  const served = pinnedModel ?? (pinnedRun ? observed : promotion.served);
  const pinProblem = pin && 'problem' in pin ? pin.problem : undefined;

  let due: Date | undefined;
  let scheduleError: string | undefined;
  if (spec.training.schedule && !spec.suspend) {
    try {
      due = nextScheduledTime(spec.training.schedule, new Date(runs[0] ? createdAt(runs[0]) : createdAt(fm)));
    } catch (error) {
      scheduleError = describeError(error);
    }
  }
  const lastDrift = lastDriftTime(previous.lastDriftAt, runs);
  // Drift asks for a run only when nothing else does: the run another trigger starts retrains all the same.
  let trigger = trainingTrigger(fm, spec, runs, served, due, now);
  const drift = trigger ? undefined : driftDue(retrainPolicy, observation.liveRecord, served, lastDrift, now);
  if (drift) trigger = driftTrainingTrigger(fm, spec, runs, drift.fingerprint);
  const createRun = trigger ? newTrainingRun(fm, spec, trigger, now) : undefined;
  if (createRun && spec.training.schedule && !scheduleError) due = nextScheduledTime(spec.training.schedule, now);

  const servingRecord = pinnedModel ? pinnedRun : pinnedRun ? wasPinned : undefined;
  const serving = decideServing(fm, spec, served, observation, settings.inference, servingRecord);
  const pinning = pinReport(pinnedRun, pin, served, previous);

  const conditions = setConditions(
    previous.conditions,
    [
      ...forecastModelConditions({
        spec,
        ...(scheduleError ? { scheduleError } : {}),
        ...(pinProblem ? { pinProblem } : {}),
        runs: createRun ? [createRun, ...runs] : runs,
        served,
        servingReady: serving.ready,
        lastRejection: promotion.lastRejection,
      }),
      ...(pinning.condition ? [pinning.condition] : []),
    ],
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
    ...driftRecord(createRun?.spec.reason === 'Drift' ? now.getTime() : lastDrift),
  };

  // A model promoted while pinned waits for the unpin; say so where the promotion is reported.
  const events = [...promotion.events.map((e) => (pinnedModel && e.reason === FM_REASONS.modelPromoted ? { ...e, message: `${e.message}; pinned run ${pinnedRun} keeps serving until unpinned` } : e)), ...pinning.events];
  if (createRun) events.unshift({ type: 'Normal', reason: FM_REASONS.trainingRunCreated, message: `created TrainingRun ${createRun.metadata.name} (${trigger!.reason})` });
  if (createRun && drift) events.push(driftEvent(drift, createRun.metadata.name));
  if (scheduleError && !alreadyReported(previous, FM_REASONS.invalidSchedule, scheduleError)) events.push({ type: 'Warning', reason: FM_REASONS.invalidSchedule, message: scheduleError });
  // A pinned run is kept even before it succeeds or after it was found missing: it is what the user asked for.
  // The newest run the operator started records which settings were trained: pruned, the next pass would
  // see changed settings and train again.
  const newestOwn = runs.find((r) => r.spec.reason !== 'Manual')?.metadata.name;
  const kept = [previous.model?.trainingRun, observed?.trainingRun, served?.trainingRun, track?.trainingRun, pinnedRun, wasPinned, newestOwn, runs[0]?.metadata.name];
  const protectedRuns = new Set(kept.filter((n): n is string => !!n));

  return {
    ...(createRun ? { createRun } : {}),
    deleteRuns: runsToPrune(runs, spec.training, protectedRuns),
    runStatusUpdates: promotion.updates,
    ...(serving.deployment ? { deployment: serving.deployment } : {}),
    ...(serving.service ? { service: serving.service } : {}),
    ...(serving.disruptionBudget ? { disruptionBudget: serving.disruptionBudget } : {}),
    ...(serving.autoscaler ? { autoscaler: serving.autoscaler } : {}),
    status,
    statusChanged: statusDiffers(previous, status),
    events,
    ...(due ? { requeueAfterMs: Math.max(1000, due.getTime() - now.getTime()) } : {}),
  };
}

/** status.lastDriftAt, kept once known so the cooldown outlives pruned Drift runs. */
function driftRecord(lastDrift: number | undefined): Pick<ForecastModelStatus, 'lastDriftAt'> {
  return lastDrift === undefined ? {} : { lastDriftAt: kubeTime(new Date(lastDrift)) };
}

/** True when the Trained condition already reports this problem, so its Event was recorded once. */
function alreadyReported(previous: ForecastModelStatus, reason: string, message: string): boolean {
  const trained = findCondition(previous.conditions, FORECAST_MODEL_CONDITIONS.trained);
  return trained?.reason === reason && trained.message === message;
}
