import { CodedError } from '../errors.ts';

/**
 * Fetching temporary S3 credentials failed. The message says which source failed and what to check;
 * `code` is set for answers worth retrying (ServiceUnavailable) or naming the refusal (InvalidIdentityToken),
 * while network failures keep their code on the cause, where the S3 error classifier finds it.
 */
export class CredentialFetchError extends CodedError {
  override readonly name = 'CredentialFetchError';
}

/** The S3 code for an HTTP status of a credential endpoint: busy or failing servers are worth retrying. */
export function codeForStatus(status: number, answeredCode?: string): string | undefined {
  if (status === 429 || status >= 500) return 'ServiceUnavailable';
  return answeredCode;
}
