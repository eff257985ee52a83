import type { Logger } from '../../core/logger.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { OperatorInformers } from '../kube/informers.ts';
import { objectKey, splitKey, type JobObject, type PodObject, type TrainingRunObject } from '../kube/objects.ts';
import { RESOURCES, resourcePath } from '../kube/resources.ts';
import { isApiStatus, type KubeRest } from '../kube/rest-client.ts';
import { statusMergePatch } from '../kube/status-patch.ts';
import { ARTIFACT_FINALIZER, trainingJobName } from '../naming.ts';
import type { ReconcileResult } from '../queue/work-queue.ts';
import type { ArtifactStoreOpener } from './artifact-cleanup.ts';
import { decideTrainingRun, decideTrainingRunDeletion, needsTerminationMessage, type TrainingRunSettings } from './decide.ts';

/** What the TrainingRun reconciler works with. */
export interface TrainingRunReconcilerDeps {
  readonly rest: KubeRest;
  readonly informers: OperatorInformers;
  readonly recorder: EventRecorder;
  readonly settings: TrainingRunSettings;
  readonly openArtifacts: ArtifactStoreOpener;
  readonly now: () => Date;
  readonly log: Logger;
}

/** Reconcile one TrainingRun: gather from the caches (Job, trainer Pods) and the finished Pod, decide (pure), act on the API. */
export function createTrainingRunReconciler(deps: TrainingRunReconcilerDeps): (key: string) => Promise<ReconcileResult | void> {
  const { rest, informers } = deps;
  const runPath = (namespace: string, name: string, sub?: string) => resourcePath(RESOURCES.trainingRuns, namespace, name, sub);

  async function finalize(run: TrainingRunObject, log: Logger): Promise<void> {
    const { namespace = '', name } = run.metadata;
    const plan = decideTrainingRunDeletion(run, deps.settings.artifactBaseUri);
    if (!plan.removeFinalizer) return;
    if (plan.removeArtifactsAt) {
      const store = await deps.openArtifacts(plan.removeArtifactsAt, namespace);
      await store.removeAll().catch((cause: unknown) => {
        throw new Error(`remove artifacts at ${plan.removeArtifactsAt}`, { cause });
      });
      log.info({ uri: plan.removeArtifactsAt }, 'removed run artifacts');
    }
    const finalizers = (run.metadata.finalizers ?? []).filter((f) => f !== ARTIFACT_FINALIZER);
    try {
      await rest.patch(runPath(namespace, name), { metadata: { finalizers, resourceVersion: run.metadata.resourceVersion } }, 'merge');
    } catch (error) {
      if (!isApiStatus(error, 404)) throw new Error('remove the artifact finalizer', { cause: error });
    }
  }

  return async function reconcileTrainingRun(key) {
    const { namespace, name } = splitKey(key);
    const run = informers.trainingRuns.get(namespace, name);
    if (!run) return;
    const log = deps.log.child({ kind: 'TrainingRun', namespace, name });
    if (run.metadata.deletionTimestamp) return finalize(run, log);

    const jobName = trainingJobName(name);
    const job = informers.jobs.get(namespace, jobName);
    const forecastModel = run.spec?.forecastModel ? informers.forecastModels.get(namespace, run.spec.forecastModel) : undefined;
    let pods: PodObject[] | undefined;
    if (needsTerminationMessage(run, job)) {
      const list = await rest.list<PodObject>(resourcePath(RESOURCES.pods, namespace), { labelSelector: `job-name=${jobName}` }).catch((cause: unknown) => {
        throw new Error(`list Pods of Job ${jobName}`, { cause });
      });
      pods = list.items;
    }
    const trainerPods = job ? informers.trainerPods.byIndex(objectKey(namespace, jobName)) : [];
    const plan = decideTrainingRun({ run, ...(forecastModel ? { forecastModel } : {}), ...(job ? { job } : {}), ...(pods ? { pods } : {}), trainerPods, now: deps.now() }, deps.settings);

    let current = run;
    if (plan.metadataPatch) {
      current = await rest.patch<TrainingRunObject>(runPath(namespace, name), { metadata: { ...plan.metadataPatch, resourceVersion: run.metadata.resourceVersion } }, 'merge').catch((cause: unknown) => {
        throw new Error('adopt the TrainingRun', { cause });
      });
      informers.trainingRuns.upsert(current);
    }
    if (plan.createJob) {
      try {
        informers.jobs.upsert(await rest.create<JobObject>(resourcePath(RESOURCES.jobs, namespace), plan.createJob));
        log.info({ job: jobName }, 'created trainer Job');
      } catch (error) {
        if (!isApiStatus(error, 409)) throw new Error(`create Job ${jobName}`, { cause: error });
        // Created by an earlier attempt whose answer was lost: cache it so the run does not look Job-less.
        informers.jobs.upsert(await rest.get<JobObject>(resourcePath(RESOURCES.jobs, namespace, jobName)));
      }
    }
    if (plan.statusChanged) {
      const patch = statusMergePatch(run.status as Record<string, unknown> | undefined, plan.status as Record<string, unknown>);
      log.debug({ patch }, 'updating status');
      try {
        informers.trainingRuns.upsert(await rest.patch(runPath(namespace, name, 'status'), patch, 'merge'));
      } catch (error) {
        if (isApiStatus(error, 404)) return;
        throw new Error('update TrainingRun status', { cause: error });
      }
      if (plan.status.phase === 'Succeeded' || plan.status.phase === 'Failed') log.info({ phase: plan.status.phase }, 'training finished');
    }
    await Promise.all(plan.events.map((event) => deps.recorder.record(current, event)));
  };
}
