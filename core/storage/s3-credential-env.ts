import { envBoolean, envText, type Env } from '../env.ts';
import { BadInputError } from '../errors.ts';
import { DEFAULT_INSTANCE_METADATA_ENDPOINT, defaultStsEndpoint, type S3CredentialSource } from './s3-credential-source.ts';

/** The credential part of an S3 configuration: static keys, or where temporary ones come from. */
export type S3CredentialSettings =
  | { readonly accessKey: string; readonly secretKey: string; readonly sessionToken?: string }
  | { readonly credentials: S3CredentialSource };

/** One object-storage environment setting: the names it is read from (the first one set wins), its default and meaning. */
export interface S3EnvSetting {
  readonly names: readonly string[];
  readonly default: string;
  readonly meaning: string;
}

/** The credential variables s3CredentialsFromEnv reads, for help texts and generated docs. */
export const S3_CREDENTIAL_SETTINGS = {
  accessKey: { names: ['S3_ACCESS_KEY_ID', 'AWS_ACCESS_KEY_ID'], default: '—', meaning: 'static access key; with the secret key it wins over every other credential source' },
  secretKey: { names: ['S3_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY'], default: '—', meaning: 'static secret key (set both keys or neither)' },
  sessionToken: { names: ['S3_SESSION_TOKEN', 'AWS_SESSION_TOKEN'], default: '—', meaning: 'session token of temporary static keys (STS)' },
  roleArn: { names: ['AWS_ROLE_ARN'], default: '—', meaning: 'web identity (EKS IRSA, GKE/Azure workload identity): the role to assume, with the token file' },
  tokenFile: { names: ['AWS_WEB_IDENTITY_TOKEN_FILE'], default: '—', meaning: 'web identity: the projected service-account token file, with the role' },
  sessionName: { names: ['AWS_ROLE_SESSION_NAME'], default: 'make-us-rich-<epoch ms>', meaning: 'web identity: the session name recorded by STS' },
  stsEndpoint: { names: ['AWS_STS_ENDPOINT'], default: 'the regional AWS STS endpoint', meaning: 'web identity: the STS endpoint to exchange the token at' },
  metadataDisabled: { names: ['AWS_EC2_METADATA_DISABLED'], default: 'false', meaning: 'true turns off the instance metadata service, the last credential source' },
  metadataEndpoint: { names: ['AWS_EC2_METADATA_SERVICE_ENDPOINT'], default: DEFAULT_INSTANCE_METADATA_ENDPOINT, meaning: 'instance metadata service (IMDSv2) address' },
} as const satisfies Record<string, S3EnvSetting>;

/** The ways to give S3 credentials, in the order they are tried; appended to "no credentials" errors. */
export const S3_CREDENTIAL_HINT =
  'set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY also work), ' +
  'or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE for web identity, ' +
  'or leave AWS_EC2_METADATA_DISABLED unset to use the instance metadata service';

// What STS accepts as RoleSessionName.
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * Pick the credentials S3 requests are signed with, in this order: static keys when set; else web identity
 * when AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are both set; else the instance metadata service unless
 * AWS_EC2_METADATA_DISABLED is true. Half of a pair is a BadInputError naming the missing variable rather
 * than a silent fall-through, so a typo never ends up signing with some other identity.
 */
export function s3CredentialsFromEnv(env: Env, region: string | undefined): S3CredentialSettings {
  const settings = S3_CREDENTIAL_SETTINGS;
  const accessKey = readS3Setting(env, settings.accessKey)?.value;
  const secretKey = readS3Setting(env, settings.secretKey)?.value;
  if (accessKey !== undefined || secretKey !== undefined) {
    if (accessKey === undefined) throw new BadInputError(`S3_SECRET_ACCESS_KEY is set but S3_ACCESS_KEY_ID is not: set both`, 'S3_ACCESS_KEY_ID');
    if (secretKey === undefined) throw new BadInputError(`S3_ACCESS_KEY_ID is set but S3_SECRET_ACCESS_KEY is not: set both`, 'S3_SECRET_ACCESS_KEY');
    const sessionToken = readS3Setting(env, settings.sessionToken)?.value;
    return { accessKey, secretKey, ...(sessionToken !== undefined && { sessionToken }) };
  }
  const roleArn = readS3Setting(env, settings.roleArn)?.value;
  const tokenFile = readS3Setting(env, settings.tokenFile)?.value;
  if (roleArn !== undefined || tokenFile !== undefined) return { credentials: webIdentityFromEnv(env, roleArn, tokenFile, region) };
  if (!envBoolean(env, settings.metadataDisabled.names[0], false)) {
    const endpoint = readS3Setting(env, settings.metadataEndpoint)?.value ?? DEFAULT_INSTANCE_METADATA_ENDPOINT;
    return { credentials: { kind: 'instanceMetadata', endpoint: checkBaseUrl(endpoint, 'AWS_EC2_METADATA_SERVICE_ENDPOINT') } };
  }
  throw new BadInputError(`S3_ENDPOINT is set but no credentials are (AWS_EC2_METADATA_DISABLED is true): ${S3_CREDENTIAL_HINT}`, 'S3_ACCESS_KEY_ID');
}

function webIdentityFromEnv(env: Env, roleArn: string | undefined, tokenFile: string | undefined, region: string | undefined): S3CredentialSource {
  if (roleArn === undefined) throw new BadInputError('AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: web identity needs both', 'AWS_ROLE_ARN');
  if (tokenFile === undefined) throw new BadInputError('AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not: web identity needs both', 'AWS_WEB_IDENTITY_TOKEN_FILE');
  if (!roleArn.startsWith('arn:')) throw new BadInputError(`AWS_ROLE_ARN "${roleArn}" must be a role ARN (arn:aws:iam::123456789012:role/name)`, 'AWS_ROLE_ARN');
  const sessionName = readS3Setting(env, S3_CREDENTIAL_SETTINGS.sessionName)?.value;
  if (sessionName !== undefined && !SESSION_NAME.test(sessionName)) {
    throw new BadInputError(`AWS_ROLE_SESSION_NAME "${sessionName}" must be 2-64 of letters, digits and +=,.@_-`, 'AWS_ROLE_SESSION_NAME');
  }
  const stsEndpoint = checkBaseUrl(readS3Setting(env, S3_CREDENTIAL_SETTINGS.stsEndpoint)?.value ?? defaultStsEndpoint(region), 'AWS_STS_ENDPOINT');
  return { kind: 'webIdentity', roleArn, tokenFile, stsEndpoint, ...(sessionName !== undefined && { sessionName }) };
}

/** The value of the first of `setting.names` that is set (trimmed, not blank), with the name it came from. */
export function readS3Setting(env: Env, setting: S3EnvSetting): { readonly name: string; readonly value: string } | undefined {
  for (const name of setting.names) {
    const value = envText(env, name);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/** An http(s) base URL without query or credentials, returned without a trailing slash. */
function checkBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new BadInputError(`${name} "${value}" is not a URL`, name, { cause: error });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new BadInputError(`${name} "${value}" must be an http:// or https:// URL without query or credentials`, name);
  }
  return value.replace(/\/+$/, '');
}

/**
 * Variables that choose temporary credentials and describe the pod itself (an identity webhook injects
 * them), so they belong to whoever reads a shared S3 Secret rather than to the Secret.
 */
export const POD_CREDENTIAL_VARIABLES: readonly string[] = [
  'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_SESSION_NAME', 'AWS_STS_ENDPOINT',
  'AWS_EC2_METADATA_DISABLED', 'AWS_EC2_METADATA_SERVICE_ENDPOINT',
];

/**
 * `secretEnv` completed with the pod credential variables of `podEnv` that it does not set. The operator
 * reads a namespace's S3 Secret to clean up artifacts; without static keys in it, it signs with its own
 * pod identity, which must then be allowed to delete in the bucket.
 */
export function withPodCredentials(secretEnv: Env, podEnv: Env): Env {
  const own = POD_CREDENTIAL_VARIABLES.filter((name) => envText(secretEnv, name) === undefined && envText(podEnv, name) !== undefined);
  return { ...secretEnv, ...Object.fromEntries(own.map((name) => [name, podEnv[name]])) };
}
