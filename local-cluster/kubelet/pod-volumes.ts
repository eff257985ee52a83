/** A pod's volumes as host folders: Secret, ConfigMap, downward API, projected (with tokens) and emptyDir. */
import type { V1Pod, V1Volume } from '@kubernetes/client-node';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeRest } from '../../operator/kube/rest-client.ts';
import type { ObjectReader } from './kube-access.ts';
import { podTokens, tokenFileKubeconfig, type PodTokens } from './service-account-token.ts';
import { DEFAULT_VOLUME_FILE_MODE, createFolderWriter, downwardFiles, keyedFiles, type FileSet } from './volume-files.ts';

/** What preparing volumes needs. */
export interface PodVolumeDeps {
  readonly rest: KubeRest;
  readonly reader: ObjectReader;
  readonly server: string;
  readonly caPem: string;
}

/** A pod's prepared volumes. */
export interface PodVolumes {
  /** Volume name → host folder. */
  readonly folders: ReadonlyMap<string, string>;
  /** Volume name → kubeconfig file, for projected volumes carrying a service-account token. */
  readonly kubeconfigs: ReadonlyMap<string, string>;
  /** Re-read Secrets, ConfigMaps and tokens and rewrite what changed (contents follow the API without restarts). */
  refresh(pod: V1Pod): Promise<void>;
}

/** Written beside a projected token; not a name a projection would choose. */
const KUBECONFIG_FILE = '..kubeconfig';

type FileSource = (pod: V1Pod) => Promise<FileSet>;

function fileSourceOf(volume: V1Volume, folder: string, tokens: PodTokens, deps: PodVolumeDeps): FileSource | undefined {
  const { reader } = deps;
  if (volume.secret) {
    const source = volume.secret;
    return (pod) => keyedFiles(reader, pod.metadata!.namespace!, { kind: 'Secret', name: source.secretName ?? '', items: source.items, optional: source.optional }, source.defaultMode ?? DEFAULT_VOLUME_FILE_MODE);
  }
  if (volume.configMap) {
    const source = volume.configMap;
    return (pod) => keyedFiles(reader, pod.metadata!.namespace!, { kind: 'ConfigMap', name: source.name ?? '', items: source.items, optional: source.optional }, source.defaultMode ?? DEFAULT_VOLUME_FILE_MODE);
  }
  if (volume.downwardAPI) {
    const source = volume.downwardAPI;
    return async (pod) => downwardFiles(pod, source.items ?? [], source.defaultMode ?? DEFAULT_VOLUME_FILE_MODE);
  }
  if (volume.projected) {
    const mode = volume.projected.defaultMode ?? DEFAULT_VOLUME_FILE_MODE;
    const sources = volume.projected.sources ?? [];
    return async (pod) => {
      const files: FileSet = new Map();
      const namespace = pod.metadata!.namespace!;
      for (const source of sources) {
        let part: FileSet = new Map();
        if (source.secret) part = await keyedFiles(reader, namespace, { kind: 'Secret', name: source.secret.name ?? '', items: source.secret.items, optional: source.secret.optional }, mode);
        else if (source.configMap) part = await keyedFiles(reader, namespace, { kind: 'ConfigMap', name: source.configMap.name ?? '', items: source.configMap.items, optional: source.configMap.optional }, mode);
        else if (source.downwardAPI) part = downwardFiles(pod, source.downwardAPI.items ?? [], mode);
        else if (source.serviceAccountToken) {
          const wanted = source.serviceAccountToken;
          const token = await tokens.token({ audience: wanted.audience, expirationSeconds: wanted.expirationSeconds });
          part.set(wanted.path, { content: Buffer.from(token), mode });
          part.set(KUBECONFIG_FILE, { content: Buffer.from(tokenFileKubeconfig(deps.server, deps.caPem, join(folder, wanted.path), namespace)), mode: 0o600 });
        }
        for (const [path, file] of part) files.set(path, file);
      }
      return files;
    };
  }
  // emptyDir, and kinds a process kubelet cannot back (PVCs…): an empty folder that lives as long as the pod.
  return undefined;
}

/** Create a folder per volume under `podDir` and fill it; throws (VolumeSetupError or an API error) while a source is missing. */
export async function preparePodVolumes(pod: V1Pod, podDir: string, deps: PodVolumeDeps): Promise<PodVolumes> {
  const tokens = podTokens(deps.rest, pod);
  const folders = new Map<string, string>();
  const kubeconfigs = new Map<string, string>();
  const filled: { source: FileSource; write: (files: FileSet) => Promise<void> }[] = [];
  for (const volume of pod.spec?.volumes ?? []) {
    const folder = join(podDir, 'volumes', volume.name);
    await mkdir(folder, { recursive: true });
    folders.set(volume.name, folder);
    if (volume.projected?.sources?.some((source) => source.serviceAccountToken)) kubeconfigs.set(volume.name, join(folder, KUBECONFIG_FILE));
    const source = fileSourceOf(volume, folder, tokens, deps);
    if (source) filled.push({ source, write: createFolderWriter(folder).write });
  }
  const refresh = async (current: V1Pod) => {
    for (const volume of filled) await volume.write(await volume.source(current));
  };
  await refresh(pod);
  return { folders, kubeconfigs, refresh };
}
