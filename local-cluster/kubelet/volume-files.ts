/** The files of Secret, ConfigMap and downward API volumes, and writing them the way readers never see half a file. */
import type { V1KeyToPath, V1DownwardAPIVolumeFile, V1Pod } from '@kubernetes/client-node';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { podFieldValue } from './field-ref.ts';
import { objectData, type ObjectReader } from './kube-access.ts';

/** One file of a volume. */
export interface VolumeFile {
  readonly content: Buffer;
  readonly mode: number;
}

/** A volume's files by path relative to its folder. */
export type FileSet = Map<string, VolumeFile>;

/** The kubelet's default file mode for Secret, ConfigMap, downward API and projected volumes. */
export const DEFAULT_VOLUME_FILE_MODE = 0o644;

/** Why a volume cannot be set up yet (a missing Secret, say); the pod stays ContainerCreating and the kubelet retries. */
export class VolumeSetupError extends Error {
  override readonly name = 'VolumeSetupError';
}

/** What a Secret or ConfigMap volume (or projection) names. */
export interface KeyedSource {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly items?: readonly V1KeyToPath[];
  readonly optional?: boolean;
}

/** The files of a Secret or ConfigMap: every key, or only `items` at their paths; empty when optional and missing. */
export async function keyedFiles(reader: ObjectReader, namespace: string, source: KeyedSource, defaultMode: number): Promise<FileSet> {
  const object = source.kind === 'Secret' ? await reader.secret(namespace, source.name) : await reader.configMap(namespace, source.name);
  const files: FileSet = new Map();
  if (!object) {
    if (source.optional) return files;
    throw new VolumeSetupError(`MountVolume.SetUp failed: ${source.kind === 'Secret' ? 'secret' : 'configmap'} "${source.name}" not found`);
  }
  const data = objectData(object, source.kind);
  if (!source.items) {
    for (const [key, content] of data) files.set(key, { content, mode: defaultMode });
    return files;
  }
  for (const item of source.items) {
    const content = data.get(item.key);
    if (content === undefined) {
      if (source.optional) continue;
      throw new VolumeSetupError(`MountVolume.SetUp failed: ${source.kind} ${namespace}/${source.name} has no key ${item.key}`);
    }
    files.set(item.path, { content, mode: item.mode ?? defaultMode });
  }
  return files;
}

/** The files of a downward API volume (fieldRef items; resourceFieldRef is not offered). */
export function downwardFiles(pod: V1Pod, items: readonly V1DownwardAPIVolumeFile[], defaultMode: number): FileSet {
  const files: FileSet = new Map();
  for (const item of items) {
    if (!item.fieldRef) throw new VolumeSetupError(`downwardAPI ${item.path}: only fieldRef is supported here`);
    files.set(item.path, { content: Buffer.from(podFieldValue(pod, item.fieldRef.fieldPath)), mode: item.mode ?? defaultMode });
  }
  return files;
}

/** Writes a volume's files into its folder, each atomically, skipping unchanged ones and removing dropped ones. */
export interface FolderWriter {
  write(files: FileSet): Promise<void>;
}

/** A writer for `folder` that remembers what it wrote last. */
export function createFolderWriter(folder: string): FolderWriter {
  let written = new Map<string, Buffer>();
  return {
    async write(files) {
      for (const [path, file] of files) {
        if (written.get(path)?.equals(file.content)) continue;
        const target = join(folder, path);
        await mkdir(dirname(target), { recursive: true });
        // Rename over the old file: a reader (a server re-reading its token) sees the old or the new content, never a mix.
        const staging = `${target}.${process.pid}.tmp`;
        await writeFile(staging, file.content, { mode: file.mode });
        await rename(staging, target);
      }
      for (const path of written.keys()) if (!files.has(path)) await rm(join(folder, path), { force: true });
      written = new Map([...files].map(([path, file]) => [path, file.content]));
    },
  };
}
