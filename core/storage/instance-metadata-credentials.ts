import { codeForStatus, CredentialFetchError } from './credential-fetch-error.ts';
import { requestCredentialEndpoint, type CredentialHttpAnswer } from './credential-http.ts';
import type { TemporaryCredentials } from './refreshing-credential-provider.ts';
import type { InstanceMetadataSource } from './s3-credential-source.ts';

/** Tuning of {@link fetchInstanceMetadataCredentials}. */
export interface InstanceMetadataFetchOptions {
  readonly timeoutMs?: number;
}

/** Default idle timeout of one metadata request: the service is on the same host and answers in milliseconds. */
export const DEFAULT_INSTANCE_METADATA_TIMEOUT_MS = 2_000;

const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';
// Six hours, the longest session IMDSv2 grants; one token serves the three requests of a refresh.
const TOKEN_TTL_SECONDS = '21600';

interface MetadataCredentials {
  Code?: string;
  Message?: string;
  AccessKeyId?: string;
  SecretAccessKey?: string;
  Token?: string;
  Expiration?: string;
}

/**
 * The credentials of the instance's IAM role through IMDSv2: a session token (PUT), the role name, then
 * that role's credentials. Errors name the endpoint and the variables that choose another source.
 */
export async function fetchInstanceMetadataCredentials(source: InstanceMetadataSource, options: InstanceMetadataFetchOptions = {}): Promise<TemporaryCredentials> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_INSTANCE_METADATA_TIMEOUT_MS;
  const call = async (method: 'GET' | 'PUT', path: string, headers: Record<string, string>): Promise<string> => {
    let answer: CredentialHttpAnswer;
    try {
      answer = await requestCredentialEndpoint({ url: new URL(path, source.endpoint), method, headers, timeoutMs });
    } catch (error) {
      throw new CredentialFetchError(
        `instance metadata at ${source.endpoint} did not answer ${method} ${path}: ${(error as Error).message}; ${METADATA_HINT}`,
        undefined,
        { cause: error },
      );
    }
    if (answer.status !== 200) {
      throw new CredentialFetchError(
        `instance metadata at ${source.endpoint} answered ${method} ${path} with HTTP ${answer.status}; ${METADATA_HINT}`,
        codeForStatus(answer.status, answer.status === 404 ? 'NoInstanceRole' : 'InstanceMetadataRefused'),
      );
    }
    return answer.body;
  };
  const token = await call('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS });
  const withToken = { 'x-aws-ec2-metadata-token': token };
  const role = (await call('GET', CREDENTIALS_PATH, withToken)).split(/\r?\n/).map((line) => line.trim()).find((line) => line !== '');
  if (role === undefined) throw new CredentialFetchError(`instance metadata at ${source.endpoint} lists no IAM role for this instance; ${METADATA_HINT}`, 'NoInstanceRole');
  const body = await call('GET', `${CREDENTIALS_PATH}${encodeURIComponent(role)}`, withToken);
  let parsed: MetadataCredentials;
  try {
    parsed = JSON.parse(body) as MetadataCredentials;
  } catch (error) {
    throw new CredentialFetchError(`instance metadata at ${source.endpoint} answered role ${role} with something other than JSON`, undefined, { cause: error });
  }
  const expiresAt = Date.parse(parsed.Expiration ?? '');
  if (parsed.Code !== 'Success' || !parsed.AccessKeyId || !parsed.SecretAccessKey || !parsed.Token || Number.isNaN(expiresAt)) {
    throw new CredentialFetchError(`instance metadata at ${source.endpoint} gave no usable credentials for role ${role}: ${parsed.Code ?? 'no Code'} ${parsed.Message ?? ''}`.trim());
  }
  return { accessKey: parsed.AccessKeyId, secretKey: parsed.SecretAccessKey, sessionToken: parsed.Token, expiresAt };
}

const METADATA_HINT =
  'pods reach IMDSv2 only when the node allows a hop limit of 2; otherwise set AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, ' +
  'or S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or AWS_EC2_METADATA_DISABLED=true (AWS_EC2_METADATA_SERVICE_ENDPOINT moves the service)';
