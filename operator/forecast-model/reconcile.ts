import type { Logger } from '../../core/logger.ts';
import type { LiveRecord } from '../drift/live-record.ts';
import type { EventRecorder } from '../kube/event-recorder.ts';
import type { OperatorInformers } from '../kube/informers.ts';
import { splitKey, type KubeObject, type TrainingRunObject } from '../kube/objects.ts';
import { RESOURCES, resourcePath, type ResourceType } from '../kube/resources.ts';
import { isApiStatus, type KubeRest } from '../kube/rest-client.ts';
import { statusMergePatch } from '../kube/status-patch.ts';
import type { ReconcileResult } from '../queue/work-queue.ts';
import { servingName } from '../naming.ts';
import { decideForecastModel, type ChildChange, type ForecastModelSettings } from './decide.ts';

/** What the ForecastModel reconciler works with. */
export interface ForecastModelReconcilerDeps {
  readonly rest: KubeRest;
  readonly informers: OperatorInformers;
  readonly recorder: EventRecorder;
  readonly settings: ForecastModelSettings;
  readonly now: () => Date;
  readonly log: Logger;
  /** The newest live record scraped for `namespace/name` (ForecastModels with spec.training.retrainWhen). */
  readonly liveRecord?: (key: string) => LiveRecord | undefined;
  /** Told when a Drift run was created, for the operator's metrics. */
  readonly driftRunCreated?: (namespace: string, forecastModel: string) => void;
}

/** Reconcile one ForecastModel: gather from the caches, decide (pure), act on the API. */
export function createForecastModelReconciler(deps: ForecastModelReconcilerDeps): (key: string) => Promise<ReconcileResult | void> {
  const { rest, informers } = deps;
  const caches = new Map<ResourceType, OperatorInformers['services']>([
    [RESOURCES.deployments, informers.deployments],
    [RESOURCES.services, informers.services],
    [RESOURCES.disruptionBudgets, informers.disruptionBudgets],
    [RESOURCES.autoscalers, informers.autoscalers],
  ]);

  async function applyChild(resource: ResourceType, namespace: string, change: ChildChange<{ metadata?: { name?: string } }> | undefined, observed: KubeObject | undefined): Promise<void> {
    if (!change) return;
    const cache = caches.get(resource)!;
    try {
      if (change.action === 'delete') {
        await rest.delete(resourcePath(resource, namespace, change.name));
        cache.remove(namespace, change.name);
        return;
      }
      const name = change.object.metadata!.name!;
      if (change.action === 'create') {
        cache.upsert(await rest.create(resourcePath(resource, namespace), change.object));
        return;
      }
      const body = withPreservedFields(resource, change.object as KubeObject, observed!);
      cache.upsert(await rest.replace(resourcePath(resource, namespace, name), body));
    } catch (error) {
      if (change.action === 'delete' && isApiStatus(error, 404)) return;
      throw new Error(`${change.action} ${resource.kind} in ${namespace}`, { cause: error });
    }
  }

  return async function reconcileForecastModel(key) {
    const { namespace, name } = splitKey(key);
    const fm = informers.forecastModels.get(namespace, name);
    // Deleted, or on its way out: owner references take the children with it.
    if (!fm || fm.metadata.deletionTimestamp) return;
    const log = deps.log.child({ kind: 'ForecastModel', namespace, name });
    const serving = servingName(name);
    const deployment = informers.deployments.get(namespace, serving);
    const service = informers.services.get(namespace, serving);
    const disruptionBudget = informers.disruptionBudgets.get(namespace, serving);
    const autoscaler = informers.autoscalers.get(namespace, serving);
    const liveRecord = deps.liveRecord?.(key);
    const plan = decideForecastModel(
      {
        forecastModel: fm,
        runs: informers.trainingRuns.byIndex(key),
        ...(deployment ? { deployment } : {}),
        ...(service ? { service } : {}),
        ...(disruptionBudget ? { disruptionBudget } : {}),
        ...(autoscaler ? { autoscaler } : {}),
        ...(liveRecord ? { liveRecord } : {}),
        now: deps.now(),
      },
      deps.settings,
    );

    // The Deployment first: it is the record of which model is served, so a crash after it but before the
    // promotion is marked on the run or in status still converges on the model it serves.
    await applyChild(RESOURCES.deployments, namespace, plan.deployment, deployment);
    for (const update of plan.runStatusUpdates) {
      log.debug({ run: update.name, status: update.status }, 'recording promotion decision');
      const updated = await rest
        .patch<TrainingRunObject>(resourcePath(RESOURCES.trainingRuns, namespace, update.name, 'status'), { status: update.status }, 'merge')
        .catch((cause: unknown) => {
          throw new Error(`record the promotion decision on TrainingRun ${update.name}`, { cause });
        });
      informers.trainingRuns.upsert(updated);
    }
    await applyChild(RESOURCES.services, namespace, plan.service, service);
    await applyChild(RESOURCES.disruptionBudgets, namespace, plan.disruptionBudget, disruptionBudget);
    await applyChild(RESOURCES.autoscalers, namespace, plan.autoscaler, autoscaler);
    if (plan.createRun) {
      try {
        informers.trainingRuns.upsert(await rest.create<TrainingRunObject>(resourcePath(RESOURCES.trainingRuns, namespace), plan.createRun));
        log.info({ run: plan.createRun.metadata.name, reason: plan.createRun.spec.reason }, 'created TrainingRun');
        if (plan.createRun.spec.reason === 'Drift') deps.driftRunCreated?.(namespace, name);
      } catch (error) {
        // The name is derived from what triggered the run: AlreadyExists means this decision was already carried out.
        if (!isApiStatus(error, 409)) throw new Error(`create TrainingRun ${plan.createRun.metadata.name}`, { cause: error });
      }
    }
    for (const run of plan.deleteRuns) {
      await rest.delete(resourcePath(RESOURCES.trainingRuns, namespace, run)).catch((error: unknown) => {
        if (!isApiStatus(error, 404)) throw new Error(`prune TrainingRun ${run}`, { cause: error });
      });
      log.info({ run }, 'pruned TrainingRun beyond the history limit');
    }
    if (plan.statusChanged) {
      const patch = statusMergePatch(fm.status as Record<string, unknown> | undefined, plan.status as Record<string, unknown>);
      log.debug({ patch }, 'updating status');
      try {
        informers.forecastModels.upsert(await rest.patch(resourcePath(RESOURCES.forecastModels, namespace, name, 'status'), patch, 'merge'));
      } catch (error) {
        if (isApiStatus(error, 404)) return;
        throw new Error('update ForecastModel status', { cause: error });
      }
    }
    await Promise.all(plan.events.map((event) => deps.recorder.record(fm, event)));
    return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
  };
}

/**
 * A replacement body keeping what others own: the resourceVersion, a Service's allocated IPs, and a
 * Deployment's replica count when the desired object leaves it to the HorizontalPodAutoscaler (a PUT
 * without it would reset it to one).
 */
function withPreservedFields(resource: ResourceType, desired: KubeObject, observed: KubeObject): KubeObject {
  const body = { ...desired, metadata: { ...desired.metadata, resourceVersion: observed.metadata.resourceVersion } } as KubeObject & { spec?: Record<string, unknown> };
  if (resource === RESOURCES.services) {
    const allocated = (observed as { spec?: { clusterIP?: string; clusterIPs?: string[] } }).spec;
    body.spec = { ...body.spec, ...(allocated?.clusterIP ? { clusterIP: allocated.clusterIP } : {}), ...(allocated?.clusterIPs ? { clusterIPs: allocated.clusterIPs } : {}) };
  }
  const replicas = (observed as { spec?: { replicas?: number } }).spec?.replicas;
  if (resource === RESOURCES.deployments && body.spec?.replicas === undefined && replicas !== undefined) body.spec = { ...body.spec, replicas };
  return body;
}
