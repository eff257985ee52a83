import type { V1Deployment, V1PodDisruptionBudget, V1Service } from '@kubernetes/client-node';
import { setConditions, kubeTime } from '../../core/crd/conditions.ts';
import type { ForecastModelStatus, ServedModel } from '../../core/crd/forecast-model.ts';
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
import { ANNOTATIONS } from '../naming.ts';
import { forecastModelConditions } from './conditions.ts';
import { runsToPrune } from './history.ts';
import { decidePromotion, PROMOTION_REASONS } from './promotion.ts';
import { createdAt, newestFirst, runPhase } from './run-facts.ts';
import { nextScheduledTime } from './schedule.ts';
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

/** A change to one owned object. */
export type ChildChange<T> = { readonly action: 'create' | 'replace'; readonly object: T } | { readonly action: 'delete'; readonly name: string };

/** Everything the ForecastModel controller should do, decided without side effects. */
export interface ForecastModelPlan {
  readonly createRun?: TrainingRunObject;
  readonly deleteRuns: readonly string[];
  readonly runStatusUpdates: readonly { readonly name: string; readonly status: Partial<TrainingRunStatus> }[];
  readonly deployment?: ChildChange<V1Deployment>;
  readonly service?: ChildChange<V1Service>;
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

function servedModelOf(run: TrainingRunObject): ServedModel | undefined {
  const status = run.status;
  if (!status?.metrics || !status.artifact) return undefined;
  return {
    version: status.artifact.version ?? run.metadata.name,
    uri: status.artifact.uri,
    ...(status.artifact.sha256 ? { sha256: status.artifact.sha256 } : {}),
    trainingRun: run.metadata.name,
    trainedAt: status.completionTime ?? run.metadata.creationTimestamp ?? '',
    ...status.metrics,
  };
}

interface PromotionStep {
  readonly served: ServedModel | undefined;
  readonly updates: { name: string; status: Partial<TrainingRunStatus> }[];
  readonly events: EventIntent[];
  readonly lastRejection?: string;
}

function decidePromotions(spec: ResolvedForecastModelSpec, runs: readonly TrainingRunObject[], served: ServedModel | undefined): PromotionStep {
  const updates: PromotionStep['updates'] = [];
  const events: EventIntent[] = [];
  const succeeded = runs.filter((r) => runPhase(r) === 'Succeeded' && r.status?.promoted !== true && servedModelOf(r) && !r.metadata.deletionTimestamp);
  const manual = succeeded.find((r) => r.metadata.annotations?.[ANNOTATIONS.promote] === 'true');
  // Every run is judged once; a decided run is only reconsidered through the promote annotation.
  const undecided = succeeded.filter((r) => r.status?.promotionReason === undefined || r.status.promotionReason === PROMOTION_REASONS.awaitingApproval);
  const candidate = manual ?? undecided[0];
  if (!candidate) return { served, updates, events, lastRejection: lastRejectionOf(runs, served) };
  const quantiles = candidate.spec.model?.quantiles ?? spec.model.quantiles;
  const decision = decidePromotion({
    policy: spec.promotion.policy,
    metric: spec.promotion.metric,
    candidate: candidate.status!.metrics!,
    ...(served ? { current: served } : {}),
    nominalCoverage: Math.max(...quantiles) - Math.min(...quantiles),
    manuallyApproved: candidate === manual,
  });
  const name = candidate.metadata.name;
  let next = served;
  if (decision.outcome === 'promote') {
    next = servedModelOf(candidate);
    updates.push({ name, status: { promoted: true, promotionReason: decision.reason, promotionMessage: decision.message } });
    events.push({ type: 'Normal', reason: FM_REASONS.modelPromoted, message: `promoted ${name}: ${decision.message}` });
  } else if (decision.outcome === 'reject') {
    updates.push({ name, status: { promoted: false, promotionReason: decision.reason, promotionMessage: decision.message } });
    events.push({ type: 'Normal', reason: FM_REASONS.modelRejected, message: `rejected ${name}: ${decision.message}; still serving ${served?.version ?? 'nothing'}` });
  } else if (candidate.status?.promotionReason !== decision.reason) {
    updates.push({ name, status: { promotionReason: decision.reason, promotionMessage: decision.message } });
  }
  if (!manual) {
    // Older runs that finished unjudged lost to a newer one: judge only the newest.
    for (const older of undecided.slice(1)) {
      updates.push({ name: older.metadata.name, status: { promoted: false, promotionReason: PROMOTION_REASONS.superseded, promotionMessage: `${name} is newer` } });
    }
  }
  return { served: next, updates, events, ...(decision.outcome === 'reject' ? { lastRejection: `${name}: ${decision.message}` } : {}) };
}

function lastRejectionOf(runs: readonly TrainingRunObject[], served: ServedModel | undefined): string | undefined {
  if (served) return undefined;
  const rejected = runs.find((r) => r.status?.promoted === false);
  return rejected ? `${rejected.metadata.name}: ${rejected.status?.promotionMessage ?? rejected.status?.promotionReason}` : undefined;
}

function childChange<T extends { metadata?: { name?: string } }>(desired: T | undefined, observed: KubeObject | undefined): ChildChange<T> | undefined {
  if (!desired) return observed ? { action: 'delete', name: observed.metadata.name } : undefined;
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

  const promotion = decidePromotions(spec, runs, previous.model);
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
  if (createRun && spec.training.schedule) due = nextScheduledTime(spec.training.schedule, now);

  const deployment = served ? buildInferenceDeployment(fm, spec, served, settings.inference) : undefined;
  const service = served ? buildInferenceService(fm) : undefined;
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
  const protectedRuns = new Set([previous.model?.trainingRun, served?.trainingRun, runs[0]?.metadata.name].filter((n): n is string => !!n));

  return {
    ...(createRun ? { createRun } : {}),
    deleteRuns: runsToPrune(runs, spec.training, protectedRuns),
    runStatusUpdates: promotion.updates,
    ...optional('deployment', childChange(deployment, observation.deployment)),
    ...optional('service', childChange(service, observation.service)),
    ...optional('disruptionBudget', childChange(budget, observation.disruptionBudget)),
    status,
    statusChanged: statusDiffers(previous, status),
    events,
    ...(due ? { requeueAfterMs: Math.max(1000, due.getTime() - now.getTime()) } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
