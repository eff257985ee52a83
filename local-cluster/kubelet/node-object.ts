/** The Node a process kubelet registers: labels, capacity large enough never to limit a test, and healthy conditions. */
import { createHash } from 'node:crypto';
import { arch, release } from 'node:os';
import { LOOPBACK_IP } from './field-ref.ts';

/** Who the node is. */
export interface NodeIdentity {
  readonly nodeName: string;
  readonly labels?: Record<string, string>;
  readonly gpus?: number;
  readonly kubeletVersion: string;
}

/** The label tests pin a namespace's pods with (through the PodNodeSelector admission plugin). */
export const NODE_LABEL = 'makeusrich.io/node';
/** The extended resource of NVIDIA's device plugin. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Node's architecture names differ from Node.js's for x86-64. */
function kubernetesArch(): string {
  const name = arch();
  return name === 'x64' ? 'amd64' : name;
}

/** The well-known labels a kubelet sets, ours, and the caller's. */
export function nodeLabels(identity: NodeIdentity): Record<string, string> {
  return {
    'kubernetes.io/hostname': identity.nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': kubernetesArch(),
    [NODE_LABEL]: identity.nodeName,
    ...identity.labels,
  };
}

/** status of the Node; `readySince` is the Ready condition's transition time, `now` the heartbeat. */
export function nodeStatus(identity: NodeIdentity, readySince: string, now: string): Record<string, unknown> {
  const resources: Record<string, string> = { cpu: '1000', memory: '4000Gi', pods: '10000', 'ephemeral-storage': '1000Gi' };
  if ((identity.gpus ?? 0) > 0) resources[GPU_RESOURCE] = String(identity.gpus);
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: readySince });
  const id = createHash('sha256').update(identity.nodeName).digest('hex').slice(0, 32);
  return {
    capacity: resources,
    allocatable: resources,
    addresses: [
      { type: 'InternalIP', address: LOOPBACK_IP },
      { type: 'Hostname', address: identity.nodeName },
    ],
    conditions: [
      condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', 'True', 'KubeletReady', 'process kubelet is posting ready status'),
    ],
    nodeInfo: {
      machineID: id,
      systemUUID: id,
      bootID: id,
      kernelVersion: release(),
      osImage: 'Make Us Rich process kubelet',
      containerRuntimeVersion: `process://node-${process.version}`,
      kubeletVersion: identity.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: kubernetesArch(),
    },
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
  };
}
