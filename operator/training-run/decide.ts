import type { V1Job } from '@kubernetes/client-node';
import { findCondition, kubeTime, setConditions, type ConditionUpdate } from '../../core/crd/conditions.ts';
import { API_GROUP_VERSION, FORECAST_MODEL_NAMES } from '../../core/crd/group.ts';
import { resolveTrainingRunSpec, type ResolvedTrainingRunSpec } from '../../core/crd/resolve.ts';
import { TRAINING_RUN_CONDITIONS, type TrainingRunPhase, type TrainingRunStatus } from '../../core/crd/training-run.ts';
import { describeError } from '../../core/errors.ts';
import type { PodPlacement } from '../../core/crd/pod-placement.ts';
import type { ResourceRequirements } from '../../core/crd/kubernetes-types.ts';
import { buildTrainingJob } from '../builders/training-job.ts';
import { TR_REASONS, type EventIntent } from '../events.ts';
import { controllerOf, controllerReference, type ForecastModelObject, type JobObject, type OwnerReference, type PodObject, type TrainingRunObject } from '../kube/objects.ts';
import { statusDiffers } from '../kube/status-patch.ts';
import { ARTIFACT_FINALIZER, LABELS, MANAGED_BY, artifactUri, labelValue, trainingJobName } from '../naming.ts';
import { isFinished } from '../forecast-model/run-facts.ts';
import { unschedulableTrainerPod } from './scheduling.ts';
import { jobOutcome, metricsOf, parseRunSummary, trainerTermination } from './summary.ts';

/** What the TrainingRun controller observed. */
export interface TrainingRunObservation {
  readonly run: TrainingRunObject;
  /** The ForecastModel the run names, when it exists (a hand-made run is adopted by it). */
  readonly forecastModel?: ForecastModelObject;
  readonly job?: JobObject;
  /** Pods of the finished Job; gathered only when {@link needsTerminationMessage} says so. */
  readonly pods?: readonly PodObject[];
  /** The Job's Pods as the watch cache holds them (phase and PodScheduled only): whether the scheduler placed them. */
  readonly trainerPods?: readonly PodObject[];
  readonly now: Date;
}

/** Operator settings the decision depends on. */
export interface TrainingRunSettings {
  readonly trainerImage: string;
  readonly imagePullPolicy: string;
  readonly s3SecretName: string;
  readonly artifactBaseUri: string;
  readonly jobTtlSeconds: number;
  readonly trainerResources: ResourceRequirements;
  /** Placement and identity of trainer pods, per field, when the run sets none. */
  readonly trainerPlacement?: PodPlacement;
}

/** Metadata to merge into a run: adoption by its ForecastModel and the artifact finalizer. */
export interface RunMetadataPatch {
  readonly ownerReferences?: readonly OwnerReference[];
  readonly finalizers?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** Everything the TrainingRun controller should do, decided without side effects. */
export interface TrainingRunPlan {
  readonly metadataPatch?: RunMetadataPatch;
  readonly createJob?: V1Job;
  readonly status: TrainingRunStatus;
  readonly statusChanged: boolean;
  readonly events: readonly EventIntent[];
}

/** True when the Job has finished but the run has not recorded the outcome: the Pods must be read. */
export function needsTerminationMessage(run: TrainingRunObject, job: JobObject | undefined): boolean {
  return job !== undefined && jobOutcome(job) !== undefined && !isFinished(run);
}

/** Where a run's artifacts go. */
export function runArtifactUri(run: TrainingRunObject, artifactBaseUri: string): string {
  return artifactUri(artifactBaseUri, run.metadata.namespace ?? 'default', run.spec.forecastModel, run.metadata.name);
}

function outcomeConditions(phase: TrainingRunPhase, reason: string, message: string): ConditionUpdate[] {
  const finished = phase === 'Succeeded' || phase === 'Failed';
  return [
    { type: TRAINING_RUN_CONDITIONS.succeeded, status: phase === 'Succeeded' ? 'True' : finished ? 'False' : 'Unknown', reason, message },
    { type: TRAINING_RUN_CONDITIONS.failed, status: phase === 'Failed' ? 'True' : 'False', reason, message },
  ];
}

function adoption(run: TrainingRunObject, fm: ForecastModelObject | undefined): RunMetadataPatch | undefined {
  const patch: { ownerReferences?: OwnerReference[]; finalizers?: string[]; labels?: Record<string, string> } = {};
  if (fm?.metadata.uid && !controllerOf(run)) {
    patch.ownerReferences = [...(run.metadata.ownerReferences ?? []), controllerReference(fm, API_GROUP_VERSION, FORECAST_MODEL_NAMES.kind)];
    patch.labels = { ...run.metadata.labels, [LABELS.managedBy]: MANAGED_BY, [LABELS.forecastModel]: labelValue(fm.metadata.name) };
  }
  if (!run.metadata.finalizers?.includes(ARTIFACT_FINALIZER)) patch.finalizers = [...(run.metadata.finalizers ?? []), ARTIFACT_FINALIZER];
  return Object.keys(patch).length > 0 ? patch : undefined;
}

interface Outcome {
  readonly phase: TrainingRunPhase;
  readonly reason: string;
  readonly message: string;
  readonly extra: Partial<TrainingRunStatus>;
}

function finishedOutcome(job: JobObject, pods: readonly PodObject[], now: Date): Outcome {
  const outcome = jobOutcome(job)!;
  const termination = trainerTermination(pods);
  const summary = parseRunSummary(termination?.message);
  const completionTime = job.status?.completionTime ?? kubeTime(now);
  if (outcome.state === 'Complete') {
    const metrics = summary ? metricsOf(summary) : undefined;
    if (!summary?.ok || !summary.artifactUri || !metrics) {
      const why = !termination ? 'no finished trainer Pod was found' : !summary ? 'the termination message holds no run summary' : 'the run summary lacks the artifact or metrics';
      return { phase: 'Failed', reason: TR_REASONS.summaryMissing, message: `the Job completed but ${why}`, extra: { completionTime } };
    }
    return {
      phase: 'Succeeded',
      reason: TR_REASONS.trainingSucceeded,
      message: `trained ${summary.version ?? 'a model'}: MASE ${metrics.mase.toFixed(4)}, skill vs naive ${metrics.skillVsNaive.toFixed(4)}`,
      extra: {
        completionTime,
        artifact: { uri: summary.artifactUri, ...(summary.sha256 ? { sha256: summary.sha256 } : {}), ...(summary.version ? { version: summary.version } : {}) },
        metrics,
        ...(summary.backend ? { backend: summary.backend } : {}),
      },
    };
  }
  const badInput = termination?.exitCode === 2;
  const reason = badInput ? TR_REASONS.badInput : (outcome.reason ?? TR_REASONS.trainingFailed);
  const detail = summary?.error ?? outcome.message ?? termination?.message?.trim().split('\n').pop() ?? 'the trainer Job failed';
  return { phase: 'Failed', reason, message: detail, extra: { completionTime } };
}

/** Decide what the TrainingRun controller does for one run. Pure: (observation, settings) => plan. */
export function decideTrainingRun(observation: TrainingRunObservation, settings: TrainingRunSettings): TrainingRunPlan {
  const { run, job, now } = observation;
  const previous = run.status ?? {};
  const generation = run.metadata.generation;
  const metadataPatch = adoption(run, observation.forecastModel);
  const finish = (outcome: Outcome, createJob?: V1Job): TrainingRunPlan => {
    const status: TrainingRunStatus = {
      ...previous,
      observedGeneration: generation,
      phase: outcome.phase,
      ...outcome.extra,
      conditions: setConditions(previous.conditions, outcomeConditions(outcome.phase, outcome.reason, outcome.message), now, generation),
    };
    const changed = statusDiffers(previous, status);
    const failedNow = outcome.phase === 'Failed' && previous.phase !== 'Failed';
    const stuckNow = outcome.reason === TR_REASONS.unschedulable && findCondition(previous.conditions, TRAINING_RUN_CONDITIONS.succeeded)?.reason !== TR_REASONS.unschedulable;
    return {
      ...(metadataPatch ? { metadataPatch } : {}),
      ...(createJob ? { createJob } : {}),
      status,
      statusChanged: changed,
      events: failedNow || stuckNow ? [{ type: 'Warning', reason: outcome.reason, message: outcome.message }] : [],
    };
  };

  // A finished run is history: never start another Job for it, never rewrite its outcome.
  if (isFinished(run)) return { ...(metadataPatch ? { metadataPatch } : {}), status: previous, statusChanged: false, events: [] };

  let spec: ResolvedTrainingRunSpec;
  try {
    spec = resolveTrainingRunSpec(run.spec);
  } catch (error) {
    return finish({ phase: 'Failed', reason: TR_REASONS.invalidSpec, message: describeError(error), extra: {} });
  }

  const jobName = trainingJobName(run.metadata.name);
  if (!job) {
    if (previous.jobName) {
      return finish({ phase: 'Failed', reason: TR_REASONS.jobMissing, message: `Job ${previous.jobName} was deleted before it finished`, extra: { completionTime: kubeTime(now) } });
    }
    const createJob = buildTrainingJob(run, spec, {
      image: settings.trainerImage,
      imagePullPolicy: settings.imagePullPolicy,
      s3SecretName: settings.s3SecretName,
      artifactUri: runArtifactUri(run, settings.artifactBaseUri),
      ttlSecondsAfterFinished: settings.jobTtlSeconds,
      defaultResources: settings.trainerResources,
      ...(settings.trainerPlacement ? { defaultPlacement: settings.trainerPlacement } : {}),
      ...servedModelForTest(observation.forecastModel),
    });
    return finish({ phase: 'Pending', reason: TR_REASONS.jobCreated, message: jobCreatedMessage(jobName), extra: { jobName } }, createJob);
  }

  const startTime = job.status?.startTime ? { startTime: job.status.startTime } : {};
  if (jobOutcome(job)) {
    const outcome = finishedOutcome(job, observation.pods ?? [], now);
    return finish({ ...outcome, extra: { jobName, ...startTime, ...outcome.extra } });
  }
  // A Job counts a Pod the scheduler cannot place as active: without this the run would claim to be training.
  const stuck = unschedulableTrainerPod(observation.trainerPods ?? []);
  if (stuck) {
    return finish({ phase: 'Pending', reason: TR_REASONS.unschedulable, message: `trainer Pod ${stuck.pod} cannot be scheduled: ${stuck.message}`, extra: { jobName, ...startTime } });
  }
  const running = (job.status?.active ?? 0) > 0;
  // Until a Pod runs, the status stays what creating the Job wrote: a real Job reports itself several times
  // before its Pod starts, and each distinct message would cost a status write per run.
  return finish({
    phase: running ? 'Running' : 'Pending',
    reason: running ? TR_REASONS.running : TR_REASONS.jobCreated,
    message: running ? `Job ${jobName} is training` : jobCreatedMessage(jobName),
    extra: { jobName, ...startTime },
  });
}

/** The Pending status message from the Job's creation until its Pod runs. */
function jobCreatedMessage(jobName: string): string {
  return `created Job ${jobName}; waiting for its Pod`;
}

/** What deleting a run requires before its finalizer may go. */
export interface RunDeletionPlan {
  /** Artifact folder to empty, or undefined when the retention policy keeps it. */
  readonly removeArtifactsAt?: string;
  readonly removeFinalizer: boolean;
}

/** Decide the finalizer work for a run being deleted. */
export function decideTrainingRunDeletion(run: TrainingRunObject, artifactBaseUri: string): RunDeletionPlan {
  if (!run.metadata.deletionTimestamp || !run.metadata.finalizers?.includes(ARTIFACT_FINALIZER)) return { removeFinalizer: false };
  const keep = run.spec.training?.artifactRetention === 'Keep';
  return { ...(keep ? {} : { removeArtifactsAt: run.status?.artifact?.uri ?? runArtifactUri(run, artifactBaseUri) }), removeFinalizer: true };
}

/** Under BeatCurrent the trainer tests the candidate against the model served now, so the Job names its artifact. */
function servedModelForTest(forecastModel: ForecastModelObject | undefined): { servedModelUri?: string } {
  const uri = forecastModel?.status?.model?.uri;
  return forecastModel?.spec.promotion?.policy === 'BeatCurrent' && uri ? { servedModelUri: uri } : {};
}
