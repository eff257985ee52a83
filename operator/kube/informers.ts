import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../core/logger.ts';
import { MODEL_URI_ENV } from '../builders/inference.ts';
import { ANNOTATIONS, LABELS, MANAGED_BY } from '../naming.ts';
import { TRAINER_POD_SELECTOR, slimTrainerPod } from '../training-run/scheduling.ts';
import { createInformer, type ChangeType, type Informer } from './informer.ts';
import { objectKey, splitKey, type DeploymentObject, type ForecastModelObject, type JobObject, type KubeObject, type PodObject, type TrainingRunObject } from './objects.ts';
import { RESOURCES } from './resources.ts';
import type { KubeRest } from './rest-client.ts';

/** The caches both controllers read from. */
export interface OperatorInformers {
  readonly forecastModels: Informer<ForecastModelObject>;
  /** Indexed by `<namespace>/<spec.forecastModel>`. */
  readonly trainingRuns: Informer<TrainingRunObject>;
  readonly jobs: Informer<JobObject>;
  /** Trainer Pods, indexed by `<namespace>/<Job name>`: how a run learns that its Pod cannot be scheduled. */
  readonly trainerPods: Informer<PodObject>;
  readonly deployments: Informer<DeploymentObject>;
  readonly services: Informer<KubeObject>;
  readonly disruptionBudgets: Informer<KubeObject>;
  readonly autoscalers: Informer<KubeObject>;
  start(): Promise<void>;
  stop(): void;
}

/** Where informer changes are sent: the controllers' queues. */
export interface ChangeRouting {
  readonly forecastModelChanged: (key: string) => void;
  readonly trainingRunChanged: (key: string) => void;
}

/** Options of createOperatorInformers. */
export interface OperatorInformerOptions {
  readonly rest: KubeRest;
  readonly kubeConfig: KubeConfig;
  readonly namespaces: readonly string[];
  readonly resyncMs: number;
  readonly log: Logger;
  readonly routing: ChangeRouting;
}

/** Metadata without managedFields, which the API server adds to every object and no controller here reads. */
function slimMetadata<T extends KubeObject>(object: T): T['metadata'] {
  const { managedFields: _managedFields, ...metadata } = object.metadata as T['metadata'] & { managedFields?: unknown };
  return metadata;
}

/** A cached copy holding only metadata, status and the spec fields named. */
function slim<T extends KubeObject>(specFields: readonly string[]): (object: T) => T {
  return (object) => {
    const spec = (object as { spec?: Record<string, unknown> }).spec ?? {};
    const kept = Object.fromEntries(specFields.filter((f) => f in spec).map((f) => [f, spec[f]]));
    return { apiVersion: object.apiVersion, kind: object.kind, metadata: slimMetadata(object), spec: kept, status: (object as { status?: unknown }).status } as unknown as T;
  };
}

/**
 * A cached Deployment: replicas, status, and the model its pod template serves (the version annotation and the
 * artifact URI), which is the record of the served model that survives a crash or a lost ForecastModel status.
 */
function slimDeployment(deployment: DeploymentObject): DeploymentObject {
  const template = deployment.spec?.template;
  const version = template?.metadata?.annotations?.[ANNOTATIONS.modelVersion];
  const containers = (template?.spec?.containers ?? []).map((c) => ({ name: c.name, env: (c.env ?? []).filter((e) => e.name === MODEL_URI_ENV) }));
  return {
    apiVersion: deployment.apiVersion,
    kind: deployment.kind,
    metadata: slimMetadata(deployment),
    spec: {
      ...(deployment.spec?.replicas === undefined ? {} : { replicas: deployment.spec.replicas }),
      template: { metadata: { annotations: version === undefined ? {} : { [ANNOTATIONS.modelVersion]: version } }, spec: { containers } },
    },
    ...(deployment.status ? { status: deployment.status } : {}),
  };
}

/** Key of the controller owner of `object` when it is of `kind`. */
function ownerKey(object: KubeObject, kind: string): string | undefined {
  const owner = object.metadata.ownerReferences?.find((ref) => ref.controller && ref.kind === kind);
  return owner ? objectKey(object.metadata.namespace, owner.name) : undefined;
}

/**
 * Informers for the operator's resources. Owned objects are selected by the managed-by label so the caches
 * hold only what the operator made; every change is routed to the key of the object that owns it.
 */
export function createOperatorInformers(options: OperatorInformerOptions): OperatorInformers {
  const { routing } = options;
  const managed = `${LABELS.managedBy}=${MANAGED_BY}`;
  const common = { rest: options.rest, kubeConfig: options.kubeConfig, namespaces: options.namespaces, resyncMs: options.resyncMs, log: options.log };
  const toForecastModelOwner = (_type: ChangeType, object: KubeObject) => {
    const key = ownerKey(object, RESOURCES.forecastModels.kind);
    if (key) routing.forecastModelChanged(key);
  };
  const informers = {
    forecastModels: createInformer<ForecastModelObject>({
      ...common,
      resource: RESOURCES.forecastModels,
      transform: (fm) => ({ ...fm, metadata: slimMetadata(fm) }),
      onChange: (_type, fm) => routing.forecastModelChanged(objectKey(fm.metadata.namespace, fm.metadata.name)),
    }),
    trainingRuns: createInformer<TrainingRunObject>({
      ...common,
      resource: RESOURCES.trainingRuns,
      transform: (run) => ({ ...run, metadata: slimMetadata(run) }),
      indexBy: (run) => (run.spec?.forecastModel ? objectKey(run.metadata.namespace, run.spec.forecastModel) : undefined),
      onChange: (_type, run) => {
        routing.trainingRunChanged(objectKey(run.metadata.namespace, run.metadata.name));
        if (run.spec?.forecastModel) routing.forecastModelChanged(objectKey(run.metadata.namespace, run.spec.forecastModel));
      },
    }),
    jobs: createInformer<JobObject>({
      ...common,
      resource: RESOURCES.jobs,
      labelSelector: managed,
      transform: slim<JobObject>([]),
      onChange: (_type, job) => {
        const key = ownerKey(job, RESOURCES.trainingRuns.kind);
        if (key) routing.trainingRunChanged(key);
      },
    }),
    trainerPods: createInformer<PodObject>({
      ...common,
      resource: RESOURCES.pods,
      labelSelector: TRAINER_POD_SELECTOR,
      transform: slimTrainerPod,
      indexBy: (pod) => ownerKey(pod, RESOURCES.jobs.kind),
      onChange: (_type, pod) => {
        // Pod → its Job → the Job's TrainingRun: owner references name both exactly (labels may be shortened).
        const jobKey = ownerKey(pod, RESOURCES.jobs.kind);
        const job = jobKey ? informers.jobs.get(splitKey(jobKey).namespace, splitKey(jobKey).name) : undefined;
        const key = job ? ownerKey(job, RESOURCES.trainingRuns.kind) : undefined;
        if (key) routing.trainingRunChanged(key);
      },
    }),
    deployments: createInformer<DeploymentObject>({ ...common, resource: RESOURCES.deployments, labelSelector: managed, transform: slimDeployment, onChange: toForecastModelOwner }),
    services: createInformer<KubeObject>({ ...common, resource: RESOURCES.services, labelSelector: managed, transform: slim(['clusterIP', 'clusterIPs']), onChange: toForecastModelOwner }),
    disruptionBudgets: createInformer<KubeObject>({ ...common, resource: RESOURCES.disruptionBudgets, labelSelector: managed, transform: slim([]), onChange: toForecastModelOwner }),
    autoscalers: createInformer<KubeObject>({ ...common, resource: RESOURCES.autoscalers, labelSelector: managed, transform: slim([]), onChange: toForecastModelOwner }),
  };
  const all = Object.values(informers) as Informer<KubeObject>[];
  return {
    ...informers,
    // Children first: a controller woken by its own kind must find the objects it owns already cached.
    start: async () => {
      await Promise.all([informers.jobs, informers.trainerPods, informers.deployments, informers.services, informers.disruptionBudgets, informers.autoscalers].map((i) => i.start()));
      await informers.trainingRuns.start();
      await informers.forecastModels.start();
    },
    stop: () => all.forEach((i) => i.stop()),
  };
}
