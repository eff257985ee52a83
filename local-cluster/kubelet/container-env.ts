/** A container's environment as the kubelet builds it from the pod spec, Secrets and ConfigMaps. */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { expandReferences } from './env-expansion.ts';
import { podFieldValue } from './field-ref.ts';
import { objectData, type ObjectReader } from './kube-access.ts';

/** Why a container cannot be created yet (a missing Secret, say); the kubelet retries until it can. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
  readonly reason = 'CreateContainerConfigError';
}

async function readData(reader: ObjectReader, kind: 'Secret' | 'ConfigMap', namespace: string, name: string): Promise<Map<string, Buffer> | undefined> {
  const object = kind === 'Secret' ? await reader.secret(namespace, name) : await reader.configMap(namespace, name);
  return object ? objectData(object, kind) : undefined;
}

function notFound(kind: 'Secret' | 'ConfigMap', name: string): ContainerConfigError {
  // The kubelet's own wording, which people search for.
  return new ContainerConfigError(`${kind === 'Secret' ? 'secret' : 'configmap'} "${name}" not found`);
}

async function keyValue(reader: ObjectReader, kind: 'Secret' | 'ConfigMap', namespace: string, ref: { name?: string; key: string; optional?: boolean }): Promise<string | undefined> {
  const data = await readData(reader, kind, namespace, ref.name ?? '');
  if (!data) {
    if (ref.optional) return undefined;
    throw notFound(kind, ref.name ?? '');
  }
  const value = data.get(ref.key);
  if (value === undefined) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name}`);
  }
  return value.toString('utf8');
}

/**
 * envFrom first (each source's keys with its prefix), then env, each value expanding `$(VAR)` references to
 * variables defined before it. `base` (e.g. KUBERNETES_SERVICE_HOST) comes before everything, as service
 * variables do. Missing required Secrets, ConfigMaps or keys throw ContainerConfigError.
 */
export async function buildContainerEnv(pod: V1Pod, container: V1Container, reader: ObjectReader, base: Readonly<Record<string, string>> = {}): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = { ...base };
  for (const source of container.envFrom ?? []) {
    const ref = source.secretRef ?? source.configMapRef;
    if (!ref) continue;
    const kind = source.secretRef ? 'Secret' : 'ConfigMap';
    const data = await readData(reader, kind, namespace, ref.name ?? '');
    if (!data) {
      if (ref.optional) continue;
      throw notFound(kind, ref.name ?? '');
    }
    for (const [key, value] of data) env[`${source.prefix ?? ''}${key}`] = value.toString('utf8');
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined;
    if (!from) value = expandReferences(variable.value ?? '', env);
    else if (from.secretKeyRef) value = await keyValue(reader, 'Secret', namespace, from.secretKeyRef);
    else if (from.configMapKeyRef) value = await keyValue(reader, 'ConfigMap', namespace, from.configMapKeyRef);
    else if (from.fieldRef) value = podFieldValue(pod, from.fieldRef.fieldPath);
    else throw new ContainerConfigError(`env ${variable.name}: only value, secretKeyRef, configMapKeyRef and fieldRef are supported here`);
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}
