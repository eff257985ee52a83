import type { ArtifactStore } from '../../core/artifact-store.ts';
import { s3ConfigFromEnv } from '../../core/storage/s3-config.ts';
import { RESOURCES, resourcePath } from '../kube/resources.ts';
import type { KubeRest } from '../kube/rest-client.ts';

/** Opens the artifact store of a run, with the S3 credentials the run's trainer used. */
export type ArtifactStoreOpener = (uri: string, namespace: string) => Promise<ArtifactStore>;

/**
 * An opener reading the S3 credentials Secret of the run's namespace: the same one the trainer's envFrom
 * used, so cleanup reaches exactly the bucket the artifacts went to. `file://` URIs need no Secret.
 */
export function secretBackedArtifactStores(rest: KubeRest, s3SecretName: string): ArtifactStoreOpener {
  return async (uri, namespace) => {
    // Loaded on the first deletion: the S3 client is a large import an operator at rest does not need.
    const { openArtifactStore } = await import('../../core/storage/open-artifact-store.ts');
    if (!uri.startsWith('s3://')) return openArtifactStore(uri);
    const secret = await rest.get<{ data?: Record<string, string> }>(resourcePath(RESOURCES.secrets, namespace, s3SecretName)).catch((cause: unknown) => {
      throw new Error(`read S3 credentials Secret ${namespace}/${s3SecretName}`, { cause });
    });
    const env = Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    const s3 = s3ConfigFromEnv(env);
    if (!s3) throw new Error(`Secret ${namespace}/${s3SecretName} has no S3_ENDPOINT`);
    return openArtifactStore(uri, { s3 });
  };
}
