import { LABELS, MANAGED_BY } from '../naming.ts';
import type { PodObject } from '../kube/objects.ts';

/** Label selector of the trainer Pods the operator's Jobs create (the Job copies its template's labels onto them). */
export const TRAINER_POD_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY},${LABELS.component}=trainer`;

/** A trainer Pod the scheduler could not place, with the scheduler's own explanation. */
export interface UnschedulablePod {
  readonly pod: string;
  /** The scheduler's message, e.g. "0/1 nodes are available: 1 Insufficient nvidia.com/gpu." */
  readonly message: string;
}

const isTerminal = (pod: PodObject) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/**
 * The Job's Pod the scheduler reported Unschedulable (PodScheduled=False), unless another of its Pods is placed:
 * a Job retrying after a failure may have a placed Pod beside a pending one, and then the run is not stuck.
 */
export function unschedulableTrainerPod(pods: readonly PodObject[]): UnschedulablePod | undefined {
  const live = pods.filter((pod) => !isTerminal(pod) && !pod.metadata.deletionTimestamp);
  const scheduledOf = (pod: PodObject) => pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (live.some((pod) => scheduledOf(pod)?.status === 'True')) return undefined;
  for (const pod of live) {
    const condition = scheduledOf(pod);
    if (condition?.status === 'False' && condition.reason === 'Unschedulable') return { pod: pod.metadata.name, message: condition.message?.trim() || 'no node fits the Pod' };
  }
  return undefined;
}

/** A cached trainer Pod: metadata (with its owner, the Job), phase and PodScheduled condition only, so the cache stays small. */
export function slimTrainerPod(pod: PodObject): PodObject {
  const { managedFields: _managedFields, ...metadata } = pod.metadata as PodObject['metadata'] & { managedFields?: unknown };
  const conditions = (pod.status?.conditions ?? []).filter((c) => c.type === 'PodScheduled').map(({ type, status, reason, message }) => ({ type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) }));
  return {
    apiVersion: pod.apiVersion,
    kind: pod.kind,
    metadata,
    status: { ...(pod.status?.phase ? { phase: pod.status.phase } : {}), conditions },
  };
}
