import type { ForecastModelSpec, ForecastModelStatus } from '../../core/crd/forecast-model.ts';
import type { TrainingRunSpec, TrainingRunStatus } from '../../core/crd/training-run.ts';

/** An ownerReference as the API server stores it. */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** Object metadata as plain JSON (timestamps are RFC 3339 strings). */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly finalizers?: readonly string[];
}

/** Any Kubernetes object, as plain JSON. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
}

/** A ForecastModel as read from the API. */
export interface ForecastModelObject extends KubeObject {
  readonly spec: ForecastModelSpec;
  readonly status?: ForecastModelStatus;
}

/** A TrainingRun as read from the API. */
export interface TrainingRunObject extends KubeObject {
  readonly spec: TrainingRunSpec;
  readonly status?: TrainingRunStatus;
}

/** The parts of a Job the operator reads. */
export interface JobObject extends KubeObject {
  readonly status?: {
    readonly active?: number;
    readonly succeeded?: number;
    readonly failed?: number;
    readonly startTime?: string;
    readonly completionTime?: string;
    readonly conditions?: readonly { readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }[];
  };
}

/** The parts of a Pod the operator reads: its containers' termination state and whether it was scheduled. */
export interface PodObject extends KubeObject {
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly { readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }[];
    readonly containerStatuses?: readonly {
      readonly name: string;
      readonly state?: { readonly terminated?: { readonly exitCode: number; readonly reason?: string; readonly message?: string; readonly finishedAt?: string } };
      readonly lastState?: { readonly terminated?: { readonly exitCode: number; readonly reason?: string; readonly message?: string; readonly finishedAt?: string } };
    }[];
  };
}

/** The parts of a Deployment the operator reads: the pod template says which model it serves. */
export interface DeploymentObject extends KubeObject {
  readonly spec?: {
    readonly replicas?: number;
    readonly template?: {
      readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
      readonly spec?: { readonly containers?: readonly { readonly name: string; readonly env?: readonly { readonly name: string; readonly value?: string }[] }[] };
    };
  };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly replicas?: number;
    readonly updatedReplicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
  };
}

/** Namespace/name key of an object, the unit of work of a controller. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Split a work-queue key back into namespace and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash === -1 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Owner reference making `owner` the controller of a dependent, so deleting it cascades. */
export function controllerReference(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  if (!owner.metadata.uid) throw new Error(`${kind} ${owner.metadata.name} has no uid yet; cannot own objects`);
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** The controller owner reference of `object`, if any. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true);
}
