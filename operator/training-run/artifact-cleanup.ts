import type { ArtifactStore } from '../../core/artifact-store.ts';
import { withPodCredentials } from '../../core/storage/s3-credential-env.ts';
import { s3ConfigFromEnv, type S3Config } from '../../core/storage/s3-config.ts';
import { RESOURCES, resourcePath } from '../kube/resources.ts';
import type { KubeRest } from '../kube/rest-client.ts';

/** Opens the artifact store of a run, with the S3 credentials the run's trainer used. */
export type ArtifactStoreOpener = (uri: string, namespace: string) => Promise<ArtifactStore>;

/** The operator's own environment variables that carry a pod identity (web identity, instance metadata). */
export type PodCredentialEnv = Readonly<Record<string, string | undefined>>;

/**
 * The S3 settings for cleaning up a run: the namespace Secret's, signed with its static keys when it has
 * them, else with the operator pod's own identity (IRSA, workload identity, IMDS), which must then be
 * allowed to delete in the bucket.
 */
export function cleanupS3Config(secretEnv: Record<string, string>, podEnv: PodCredentialEnv): S3Config | undefined {
  return s3ConfigFromEnv(withPodCredentials(secretEnv, podEnv));
}

/**
 * An opener reading the S3 credentials Secret of the run's namespace: the same one the trainer's envFrom
 * used, so cleanup reaches exactly the bucket the artifacts went to. `file://` URIs need no Secret.
 */
export function secretBackedArtifactStores(rest: KubeRest, s3SecretName: string, podEnv: PodCredentialEnv = {}): ArtifactStoreOpener {
  return async (uri, namespace) => {
    // Loaded on the first deletion: the S3 client is a large import an operator at rest does not need.
    const { openArtifactStore } = await import('../../core/storage/open-artifact-store.ts');
    if (!uri.startsWith('s3://')) return openArtifactStore(uri);
    const secret = await rest.get<{ data?: Record<string, string> }>(resourcePath(RESOURCES.secrets, namespace, s3SecretName)).catch((cause: unknown) => {
      throw new Error(`read S3 credentials Secret ${namespace}/${s3SecretName}`, { cause });
    });
    const env = Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    const s3 = cleanupS3Config(env, podEnv);
    if (!s3) throw new Error(`Secret ${namespace}/${s3SecretName} has no S3_ENDPOINT`);
    return openArtifactStore(uri, { s3 });
  };
}
