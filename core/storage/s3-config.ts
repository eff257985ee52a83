import { envBoolean, envText, type Env } from '../env.ts';
import { BadInputError } from '../errors.ts';
import { S3_CREDENTIAL_HINT, s3CredentialsFromEnv } from './s3-credential-env.ts';
import type { S3CredentialSource } from './s3-credential-source.ts';

/** How to reach an S3-compatible object store (MinIO, AWS S3, Ceph…). */
export interface S3Config {
  /** Base URL without a path, e.g. `http://127.0.0.1:9000` or `https://minio.example:9000`. */
  readonly endpoint: string;
  /** Static access key; together with `secretKey` it wins over `credentials`. */
  readonly accessKey?: string;
  readonly secretKey?: string;
  /** Where temporary credentials come from when there are no static keys (web identity, instance metadata). */
  readonly credentials?: S3CredentialSource;
  /** Signing region; when absent the client asks the bucket for its location. */
  readonly region?: string;
  /** Session token that goes with static temporary keys (STS). */
  readonly sessionToken?: string;
  /** Path of a PEM bundle with the private CA that signed the endpoint's TLS certificate. */
  readonly caFile?: string;
  /** The same CA bundle given inline as PEM text; wins over `caFile`. */
  readonly ca?: string;
  /** `http://host/bucket/key` addressing (MinIO's default) rather than `http://bucket.host/key`; default true. */
  readonly pathStyle?: boolean;
}

/** The sentence appended to every "S3 is not configured" error: what the operator of the image must set. */
export const S3_SETUP_HINT =
  `set S3_ENDPOINT (e.g. http://minio.minio.svc:9000); for credentials ${S3_CREDENTIAL_HINT}; ` +
  'optionally S3_REGION, S3_SESSION_TOKEN, S3_CA_FILE and S3_FORCE_PATH_STYLE';

/**
 * S3 settings from environment variables, or undefined when S3_ENDPOINT is not set (no object storage
 * configured). Credentials are picked as s3CredentialsFromEnv documents. Throws BadInputError naming the
 * variable when the endpoint is set but the rest is incomplete or malformed. Called by each image's main
 * with `process.env`.
 */
export function s3ConfigFromEnv(env: Env): S3Config | undefined {
  const read = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = envText(env, name);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const endpoint = read('S3_ENDPOINT');
  if (endpoint === undefined) return undefined;
  checkS3Endpoint(endpoint, 'S3_ENDPOINT');
  const region = read('S3_REGION', 'AWS_REGION');
  const credentials = s3CredentialsFromEnv(env, region);
  const caFile = read('S3_CA_FILE');
  const pathStyle = envText(env, 'S3_FORCE_PATH_STYLE') === undefined ? undefined : envBoolean(env, 'S3_FORCE_PATH_STYLE', false);
  return Object.freeze({
    endpoint,
    ...credentials,
    ...(region && { region }),
    ...(caFile && { caFile }),
    ...(pathStyle !== undefined && { pathStyle }),
  });
}

/** Parse an endpoint URL: http or https, a host, an optional port and no path; BadInputError naming `field`. */
export function checkS3Endpoint(endpoint: string, field = 'endpoint'): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    throw new BadInputError(`${field} "${endpoint}" is not a URL; expected e.g. http://127.0.0.1:9000`, field, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadInputError(`${field} "${endpoint}" must start with http:// or https://`, field);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw new BadInputError(`${field} "${endpoint}" must be scheme://host[:port] only; put the bucket in the s3:// URI`, field);
  }
  return url;
}
