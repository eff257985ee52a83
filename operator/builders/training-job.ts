import type { V1Job, V1Toleration } from '@kubernetes/client-node';
import { API_GROUP_VERSION, TRAINING_RUN_NAMES } from '../../core/crd/group.ts';
import type { ResourceRequirements } from '../../core/crd/kubernetes-types.ts';
import type { PodPlacement } from '../../core/crd/pod-placement.ts';
import { trainerSpecOf, type ResolvedTrainingRunSpec } from '../../core/crd/resolve.ts';
import { controllerReference, type TrainingRunObject } from '../kube/objects.ts';
import { LABELS, MANAGED_BY, labelValue, trainingJobName } from '../naming.ts';
import { effectivePlacement, placementPodFields, podAnnotations, podLabels } from './pod-placement.ts';
import { containerResources } from './resources.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';

/** Resource name of the GPU the trainer asks for. */
export const GPU_RESOURCE = 'nvidia.com/gpu';
/** Where the trainer writes its one-line summary; the kubelet copies it into the Pod status. */
export const TERMINATION_MESSAGE_PATH = '/dev/termination-log';
/** Name of the trainer container. */
export const TRAINER_CONTAINER = 'trainer';

/** What the trainer Job needs beyond the TrainingRun itself. */
export interface TrainingJobOptions {
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly s3SecretName: string;
  readonly artifactUri: string;
  readonly ttlSecondsAfterFinished: number;
  /** Requests and limits when the run names none. */
  readonly defaultResources: ResourceRequirements;
  /** Operator-wide placement and identity of trainer pods, per field, when the run sets none. */
  readonly defaultPlacement?: PodPlacement;
  /** Artifact of the model being served, for the trainer's test against it (BeatCurrent promotion). */
  readonly servedModelUri?: string;
}

function gpuTolerations(gpu: boolean, tolerations: readonly { key?: string }[]): V1Toleration[] {
  // GPU node pools are commonly tainted nvidia.com/gpu:NoSchedule; without this a GPU run would never schedule.
  return gpu && !tolerations.some((t) => t.key === GPU_RESOURCE) ? [{ key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }] : [];
}

/** The trainer Job of a TrainingRun (`<run>-train`), owned by the run. Pure: same inputs, same Job. */
export function buildTrainingJob(run: TrainingRunObject, spec: ResolvedTrainingRunSpec, options: TrainingJobOptions): V1Job {
  const name = trainingJobName(run.metadata.name);
  const settings = spec.training;
  const resources = settings.resources ?? options.defaultResources;
  const gpuLimit: ResourceRequirements = settings.gpu ? { limits: { [GPU_RESOURCE]: 1 } } : {};
  const labels = {
    [LABELS.name]: 'mur-trainer',
    [LABELS.component]: 'trainer',
    [LABELS.partOf]: 'make-us-rich',
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.forecastModel]: labelValue(spec.forecastModel),
    [LABELS.trainingRun]: labelValue(run.metadata.name),
  };
  const placement = effectivePlacement(settings, options.defaultPlacement ?? {});
  const selector = { [LABELS.name]: 'mur-trainer', [LABELS.forecastModel]: labelValue(spec.forecastModel) };
  const annotations = podAnnotations(placement);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: run.metadata.namespace,
      labels,
      ownerReferences: [controllerReference(run, API_GROUP_VERSION, TRAINING_RUN_NAMES.kind)],
    },
    spec: {
      backoffLimit: settings.backoffLimit,
      activeDeadlineSeconds: settings.activeDeadlineSeconds,
      ttlSecondsAfterFinished: options.ttlSecondsAfterFinished,
      template: {
        metadata: { labels: podLabels(placement, labels), ...(annotations ? { annotations } : {}) },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(),
          ...placementPodFields(placement, selector, gpuTolerations(settings.gpu, placement.tolerations ?? [])),
          containers: [
            {
              name: TRAINER_CONTAINER,
              image: options.image,
              imagePullPolicy: options.imagePullPolicy,
              env: [
                { name: 'MUR_TRAINING_SPEC', value: JSON.stringify(trainerSpecOf(spec)) },
                { name: 'MUR_ARTIFACT_URI', value: options.artifactUri },
                { name: 'MUR_MODEL_VERSION', value: run.metadata.name },
                { name: 'MUR_TERMINATION_MESSAGE_PATH', value: TERMINATION_MESSAGE_PATH },
                ...(options.servedModelUri ? [{ name: 'MUR_SERVED_MODEL_URI', value: options.servedModelUri }] : []),
              ],
              envFrom: [{ secretRef: { name: options.s3SecretName } }],
              resources: containerResources(resources, gpuLimit),
              securityContext: restrictedContainerSecurityContext(),
              terminationMessagePath: TERMINATION_MESSAGE_PATH,
              // A trainer that dies before writing its summary still leaves the tail of its log for the operator.
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}
