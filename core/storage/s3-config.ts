import { envBoolean, envText, type Env } from '../env.ts';
import { BadInputError } from '../errors.ts';
import { readS3Setting, S3_CREDENTIAL_HINT, S3_CREDENTIAL_SETTINGS, s3CredentialsFromEnv, type S3EnvSetting } from './s3-credential-env.ts';
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

/**
 * The object-storage variables s3ConfigFromEnv reads besides the credentials. Where several names are
 * listed the first one set wins, so the S3_* names take precedence over the standard AWS_* ones.
 */
export const S3_SETTINGS = {
  endpoint: {
    names: ['S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'],
    default: '— (no object storage)',
    meaning: 'object storage base URL, scheme://host[:port], e.g. http://minio.minio.svc:9000',
  },
  region: { names: ['S3_REGION', 'AWS_REGION'], default: "the bucket's location", meaning: 'signing region' },
  caFile: { names: ['S3_CA_FILE', 'AWS_CA_BUNDLE'], default: 'public roots only', meaning: 'PEM bundle of the private CA that signed the endpoint certificate' },
  pathStyle: { names: ['S3_FORCE_PATH_STYLE'], default: 'true', meaning: 'http://host/bucket/key addressing (false: http://bucket.host/key)' },
} as const satisfies Record<string, S3EnvSetting>;

/** Every variable s3ConfigFromEnv may read, settings first, then credentials; for help texts and generated docs. */
export const S3_ENV_SETTINGS: readonly S3EnvSetting[] = [...Object.values(S3_SETTINGS), ...Object.values(S3_CREDENTIAL_SETTINGS)];

/** The sentence appended to every "S3 is not configured" error: what the operator of the image must set. */
export const S3_SETUP_HINT =
  `set S3_ENDPOINT (e.g. http://minio.minio.svc:9000; AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL also work); for credentials ${S3_CREDENTIAL_HINT}; ` +
  'optionally S3_REGION, S3_SESSION_TOKEN, S3_CA_FILE and S3_FORCE_PATH_STYLE';

/**
 * S3 settings from environment variables, or undefined when no endpoint is set (no object storage
 * configured). Each setting is read from the names S3_SETTINGS lists, S3_* first; credentials are picked as
 * s3CredentialsFromEnv documents. Throws BadInputError naming the variable when the endpoint is set but the
 * rest is incomplete or malformed. Called by each image's main with `process.env`.
 */
export function s3ConfigFromEnv(env: Env): S3Config | undefined {
  const endpoint = readS3Setting(env, S3_SETTINGS.endpoint);
  if (endpoint === undefined) return undefined;
  checkS3Endpoint(endpoint.value, endpoint.name);
  const region = readS3Setting(env, S3_SETTINGS.region)?.value;
  const credentials = s3CredentialsFromEnv(env, region);
  const caFile = readS3Setting(env, S3_SETTINGS.caFile)?.value;
  const pathStyleName = S3_SETTINGS.pathStyle.names[0];
  const pathStyle = envText(env, pathStyleName) === undefined ? undefined : envBoolean(env, pathStyleName, false);
  return Object.freeze({
    endpoint: endpoint.value,
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
