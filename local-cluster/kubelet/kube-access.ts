/** The process kubelet's API access: a node's bearer token, and Secret/ConfigMap reads shared by its pods. */
import { KubeConfig, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { createKubeRest, isApiStatus, type KubeRest } from '../../operator/kube/rest-client.ts';
import { tokenKubeconfig } from '../control-plane.ts';

/** A client authenticated as one node. */
export interface NodeClient {
  readonly kubeConfig: KubeConfig;
  readonly rest: KubeRest;
}

/** A client for `server` that authenticates with the node's token. */
export function connectAsNode(server: string, caPem: string, token: string, nodeName: string): NodeClient {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(tokenKubeconfig(server, caPem, token, `system:node:${nodeName}`));
  return { kubeConfig, rest: createKubeRest(kubeConfig) };
}

/** Reads the Secrets and ConfigMaps pods reference; undefined when the object does not exist. */
export interface ObjectReader {
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
}

/**
 * Reads by name (the Node authorizer lets a node get, not list, what its pods reference), sharing answers for
 * `ttlMs` so that many pods starting at once with the same Secret cost one request.
 */
export function createObjectReader(rest: KubeRest, ttlMs = 1_000): ObjectReader {
  const recent = new Map<string, { at: number; answer: Promise<unknown> }>();
  function read<T>(path: string): Promise<T | undefined> {
    const now = Date.now();
    for (const [key, entry] of recent) if (now - entry.at > ttlMs) recent.delete(key);
    const cached = recent.get(path);
    if (cached) return cached.answer as Promise<T | undefined>;
    const answer = rest.get<T>(path).catch((error: unknown) => {
      recent.delete(path);
      if (isApiStatus(error, 404)) return undefined;
      throw error;
    });
    recent.set(path, { at: now, answer });
    return answer;
  }
  return {
    secret: (namespace, name) => read<V1Secret>(`/api/v1/namespaces/${namespace}/secrets/${name}`),
    configMap: (namespace, name) => read<V1ConfigMap>(`/api/v1/namespaces/${namespace}/configmaps/${name}`),
  };
}

/** The data of a Secret or ConfigMap as bytes by key (Secret data is base64; ConfigMaps have data and binaryData). */
export function objectData(object: V1Secret | V1ConfigMap, kind: 'Secret' | 'ConfigMap'): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  if (kind === 'Secret') {
    for (const [key, value] of Object.entries((object as V1Secret).data ?? {})) data.set(key, Buffer.from(value, 'base64'));
    return data;
  }
  const configMap = object as V1ConfigMap;
  for (const [key, value] of Object.entries(configMap.data ?? {})) data.set(key, Buffer.from(value, 'utf8'));
  for (const [key, value] of Object.entries(configMap.binaryData ?? {})) data.set(key, Buffer.from(value, 'base64'));
  return data;
}
