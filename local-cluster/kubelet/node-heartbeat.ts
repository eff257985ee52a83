/** Registering the Node and keeping it alive as kubelets do: a Lease renewed every 10 s, a status heartbeat every 20 s. */
import type { V1Node } from '@kubernetes/client-node';
import { isApiStatus, type KubeRest } from '../../operator/kube/rest-client.ts';
import { nodeLabels, nodeStatus, type NodeIdentity } from './node-object.ts';
import { createBackoff, kubeMicroTime, kubeTime, sleep } from './timing.ts';

/** The kubelet's defaults: the node lifecycle controller sees it alive as long as either keeps coming. */
const LEASE_RENEW_MS = 10_000;
const LEASE_DURATION_SECONDS = 40;
const STATUS_HEARTBEAT_MS = 20_000;
/** The taint the TaintNodesByCondition admission puts on every new Node until the controller sees it Ready. */
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';

/** A registered node being kept alive. */
export interface NodeHeartbeat {
  stop(): void;
}

/** Create the Node, or update labels and status of an existing one (an earlier run of the same node). */
export async function registerNode(rest: KubeRest, identity: NodeIdentity, readySince: string): Promise<V1Node> {
  const path = `/api/v1/nodes/${identity.nodeName}`;
  const metadata = { name: identity.nodeName, labels: nodeLabels(identity) };
  try {
    return await rest.create<V1Node>('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata, spec: {}, status: nodeStatus(identity, readySince, kubeTime()) });
  } catch (error) {
    if (!isApiStatus(error, 409)) throw error;
  }
  await rest.patch(path, { metadata: { labels: metadata.labels } }, 'merge');
  return rest.patch<V1Node>(`${path}/status`, { status: nodeStatus(identity, readySince, kubeTime()) }, 'merge');
}

/** Wait until the node lifecycle controller has lifted the not-ready taint, so new pods schedule at once. */
export async function waitForSchedulable(rest: KubeRest, nodeName: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const node = await rest.get<V1Node>(`/api/v1/nodes/${nodeName}`).catch(() => undefined);
    if (node && !(node.spec?.taints ?? []).some((taint) => taint.key === NOT_READY_TAINT)) return true;
    await sleep(250);
  }
  return false;
}

async function renewLease(rest: KubeRest, identity: NodeIdentity, node: V1Node): Promise<void> {
  const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${identity.nodeName}`;
  const spec = { holderIdentity: identity.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: kubeMicroTime() };
  try {
    await rest.patch(path, { spec }, 'merge');
  } catch (error) {
    if (!isApiStatus(error, 404)) throw error;
    // Owned by the Node, as the kubelet does it, so deleting the Node takes its Lease along.
    const ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: identity.nodeName, uid: node.metadata!.uid! }];
    await rest.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: identity.nodeName, namespace: 'kube-node-lease', ownerReferences }, spec });
  }
}

/** Renew the Lease and the Ready heartbeat until stop(); failures (an API restart) are retried on the next beat. */
export function startNodeHeartbeat(rest: KubeRest, identity: NodeIdentity, node: V1Node, readySince: string, log: (line: string) => void): NodeHeartbeat {
  const stopping = new AbortController();
  const beat = async (period: number, send: () => Promise<unknown>, what: string) => {
    const backoff = createBackoff(1_000, period);
    let failing = false;
    while (!stopping.signal.aborted) {
      try {
        await send();
        if (failing) log(`node ${identity.nodeName}: ${what} renewed again`);
        failing = false;
        backoff.reset();
        await sleep(period, stopping.signal);
      } catch (error) {
        if (!failing) log(`node ${identity.nodeName}: ${what} not renewed (${(error as Error).message}); retrying`);
        failing = true;
        await sleep(backoff.next(), stopping.signal);
      }
    }
  };
  void beat(LEASE_RENEW_MS, () => renewLease(rest, identity, node), 'lease');
  void beat(STATUS_HEARTBEAT_MS, () => rest.patch(`/api/v1/nodes/${identity.nodeName}/status`, { status: nodeStatus(identity, readySince, kubeTime()) }, 'merge'), 'status');
  return { stop: () => stopping.abort() };
}
