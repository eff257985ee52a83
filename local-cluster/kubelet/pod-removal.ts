/** The kubelet's last word on a pod: once its containers are stopped, delete it for good. */
import { isApiStatus, type KubeRest } from '../../operator/kube/rest-client.ts';
import { createBackoff, sleep } from './timing.ts';

/** Which pod to remove. */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/**
 * DELETE with grace period 0 and a uid precondition (so a newer pod of the same name is never hit), which is
 * what finally removes a gracefully deleted pod. Retried through outages until done, gone (404), replaced (409),
 * or `signal` aborts.
 */
export async function removePod(rest: KubeRest, pod: PodIdentity, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const backoff = createBackoff(500, 5_000);
  while (!signal.aborted) {
    try {
      await rest.delete(`/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`, { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.uid } });
      return;
    } catch (error) {
      if (isApiStatus(error, 404) || isApiStatus(error, 409)) return;
      log(`pod ${pod.namespace}/${pod.name}: delete failed, retrying: ${(error as Error).message}`);
      await sleep(backoff.next(), signal);
    }
  }
}
