/** What the simulators share: turning a pod template into the environment a kubelet would give the container. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeKubeStore, KubeObject } from '../fake-kube/index.ts';

/** The fields of a container the simulators read. */
export interface ContainerSpec {
  readonly name: string;
  readonly env?: readonly { readonly name: string; readonly value?: string }[];
  readonly envFrom?: readonly { readonly secretRef?: { readonly name: string }; readonly configMapRef?: { readonly name: string } }[];
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

/** The fields of a pod template the simulators read. */
export interface PodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec?: {
    readonly containers: readonly ContainerSpec[];
    readonly volumes?: readonly { readonly name: string; readonly secret?: { readonly secretName: string } }[];
  };
}

function decodedData(object: KubeObject | undefined, base64: boolean): Record<string, string> {
  const data = ((object as { data?: Record<string, string> } | undefined)?.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, base64 ? Buffer.from(value, 'base64').toString('utf8') : value]));
}

/**
 * The container's environment as the kubelet builds it: envFrom Secrets and ConfigMaps first, then `env`.
 * A missing Secret fails like CreateContainerConfigError would.
 */
export function containerEnvironment(store: FakeKubeStore, namespace: string, container: ContainerSpec): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) {
      const secret = store.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: source.secretRef.name });
      if (!secret) throw new Error(`Secret ${namespace}/${source.secretRef.name} not found (CreateContainerConfigError)`);
      Object.assign(env, decodedData(secret, true));
    }
    if (source.configMapRef) Object.assign(env, decodedData(store.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: source.configMapRef.name }), false));
  }
  for (const variable of container.env ?? []) env[variable.name] = variable.value ?? '';
  return env;
}

/** Write the files of a Secret volume into a fresh temporary folder, as the kubelet mounts them. */
export async function materialiseSecretVolume(store: FakeKubeStore, namespace: string, secretName: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), `mur-secret-${secretName}-`));
  const secret = store.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: secretName });
  if (!secret) throw new Error(`Secret ${namespace}/${secretName} not found (volume mount fails)`);
  for (const [key, value] of Object.entries(decodedData(secret, true))) await writeFile(join(directory, key), value);
  return directory;
}

/** Start `node <entry> ...args` from the repository root with exactly `env` (plus PATH), collecting its output. */
export function startNodeProcess(entry: string, args: readonly string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const chunks: string[] = [];
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { child, output: () => chunks.join('') };
}

/** A random 5-character pod-name suffix, as ReplicaSets and Jobs generate. */
export function podSuffix(): string {
  return Math.random().toString(36).slice(2, 7).padEnd(5, 'x');
}
