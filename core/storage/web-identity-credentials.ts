import { readFileSync } from 'node:fs';
import type https from 'node:https';
import { BadInputError } from '../errors.ts';
import { codeForStatus, CredentialFetchError } from './credential-fetch-error.ts';
import { requestCredentialEndpoint, type CredentialHttpAnswer } from './credential-http.ts';
import type { TemporaryCredentials } from './refreshing-credential-provider.ts';
import type { WebIdentitySource } from './s3-credential-source.ts';

/** Tuning of {@link fetchWebIdentityCredentials}. */
export interface WebIdentityFetchOptions {
  readonly timeoutMs?: number;
  /** Agent for an https STS endpoint, e.g. one trusting S3_CA_FILE. */
  readonly httpsAgent?: https.Agent;
}

/** Default idle timeout of the STS request. */
export const DEFAULT_STS_TIMEOUT_MS = 10_000;

/**
 * The projected service-account token; BadInputError naming AWS_WEB_IDENTITY_TOKEN_FILE when it cannot be
 * read or is empty. Read again at every refresh because the kubelet rotates the file.
 */
export function readWebIdentityToken(tokenFile: string): string {
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (error) {
    throw new BadInputError(`AWS_WEB_IDENTITY_TOKEN_FILE "${tokenFile}" cannot be read: ${(error as Error).message}`, 'AWS_WEB_IDENTITY_TOKEN_FILE', { cause: error });
  }
  if (token === '') throw new BadInputError(`AWS_WEB_IDENTITY_TOKEN_FILE "${tokenFile}" is empty`, 'AWS_WEB_IDENTITY_TOKEN_FILE');
  return token;
}

/**
 * Exchange the service-account token for temporary credentials with STS AssumeRoleWithWebIdentity. The call
 * is unsigned by design: the token is the proof of identity.
 */
export async function fetchWebIdentityCredentials(source: WebIdentitySource, options: WebIdentityFetchOptions = {}): Promise<TemporaryCredentials> {
  const form = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: source.roleArn,
    RoleSessionName: source.sessionName ?? `make-us-rich-${Date.now()}`,
    WebIdentityToken: readWebIdentityToken(source.tokenFile),
  });
  const where = `STS at ${source.stsEndpoint} (AWS_STS_ENDPOINT)`;
  let answer: CredentialHttpAnswer;
  try {
    answer = await requestCredentialEndpoint({
      url: new URL('/', source.stsEndpoint),
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/xml' },
      body: form.toString(),
      timeoutMs: options.timeoutMs ?? DEFAULT_STS_TIMEOUT_MS,
      ...(options.httpsAgent && { httpsAgent: options.httpsAgent }),
    });
  } catch (error) {
    throw new CredentialFetchError(`web identity: ${where} unreachable: ${(error as Error).message}`, undefined, { cause: error });
  }
  if (answer.status !== 200) {
    const code = xmlText(answer.body, 'Code');
    const detail = [code, xmlText(answer.body, 'Message')].filter(Boolean).join(': ') || answer.body.slice(0, 200);
    throw new CredentialFetchError(
      `web identity: ${where} refused AssumeRoleWithWebIdentity for AWS_ROLE_ARN ${source.roleArn} with HTTP ${answer.status} ${detail}; ` +
        'check that the role trusts this service account and that AWS_WEB_IDENTITY_TOKEN_FILE holds its token',
      codeForStatus(answer.status, code),
    );
  }
  const [accessKey, secretKey, sessionToken] = ['AccessKeyId', 'SecretAccessKey', 'SessionToken'].map((element) => xmlText(answer.body, element));
  const expiresAt = Date.parse(xmlText(answer.body, 'Expiration') ?? '');
  if (!accessKey || !secretKey || !sessionToken || Number.isNaN(expiresAt)) {
    throw new CredentialFetchError(`web identity: ${where} answered without AccessKeyId, SecretAccessKey, SessionToken and Expiration`);
  }
  return { accessKey, secretKey, sessionToken, expiresAt };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// STS answers are flat and fixed in shape; reading single elements avoids a dependency on an XML parser.
function xmlText(xml: string, element: string): string | undefined {
  const match = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  return match?.[1]?.trim().replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name]!);
}
