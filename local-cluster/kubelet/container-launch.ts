/** Turning a container of a pod into a launch for a process: environment, folders, ports and termination file on the host. */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildContainerEnv } from './container-env.ts';
import type { ContainerLaunch } from './container-runtime.ts';
import { expandReferences, remapForProcess } from './env-expansion.ts';
import { LOOPBACK_IP } from './field-ref.ts';
import type { ObjectReader } from './kube-access.ts';
import type { PodVolumes } from './pod-volumes.ts';

/** What a launch is built from. */
export interface LaunchInputs {
  readonly pod: V1Pod;
  readonly container: V1Container;
  readonly volumes: PodVolumes;
  /** containerPort → host port, for every port the pod declares. */
  readonly hostPorts: Readonly<Record<number, number>>;
  readonly podDir: string;
  /** The API server, which in-cluster clients reach as KUBERNETES_SERVICE_HOST/PORT. */
  readonly server: string;
  readonly reader: ObjectReader;
}

/** The kubelet's default terminationMessagePath. */
const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';

/** Build the launch of one container start; throws ContainerConfigError while a Secret or ConfigMap is missing. */
export async function buildLaunch(inputs: LaunchInputs): Promise<ContainerLaunch> {
  const { container, volumes } = inputs;
  const mounts: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    const folder = volumes.folders.get(mount.name);
    if (folder) mounts[mount.mountPath] = mount.subPath ? join(folder, mount.subPath) : folder;
  }
  const kubeconfig = (container.volumeMounts ?? []).map((mount) => volumes.kubeconfigs.get(mount.name)).find((path) => path !== undefined);
  // Already host values: remapping would wrongly rewrite them when a volume is mounted at /tmp.
  const hostValues: Record<string, string> = kubeconfig ? { KUBERNETES_SERVICE_HOST: LOOPBACK_IP, KUBERNETES_SERVICE_PORT: new URL(inputs.server).port, KUBECONFIG: kubeconfig } : {};
  const env = await buildContainerEnv(inputs.pod, container, inputs.reader, hostValues);
  const ownValues = Object.fromEntries(Object.entries(env).filter(([variable, value]) => hostValues[variable] !== value));
  const terminationDir = join(inputs.podDir, 'containers', container.name);
  await mkdir(terminationDir, { recursive: true });
  const terminationMessageFile = join(terminationDir, 'termination-log');
  const ports = Object.fromEntries((container.ports ?? []).map((port) => [port.containerPort, inputs.hostPorts[port.containerPort]!]));
  const mapping = { mounts, terminationMessagePath: container.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH, terminationMessageFile, ports };
  const launchEnv = { ...hostValues, ...remapForProcess(ownValues, mapping) };
  const args = container.args?.map((arg) => expandReferences(arg, launchEnv));
  return { pod: inputs.pod, container: { ...container, ...(args ? { args } : {}) }, env: launchEnv, mounts, ports, terminationMessageFile };
}
