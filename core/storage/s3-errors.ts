import { STATUS_CODES } from 'node:http';
import { BadInputError } from '../errors.ts';
import { CredentialFetchError } from './credential-fetch-error.ts';

/** How a failed S3 request should be handled. */
export type S3FailureKind = 'temporary' | 'not-found' | 'permanent';

/** Where a failed request went, for messages that say what to check. */
export interface S3RequestTarget {
  readonly endpoint: string;
  readonly bucket: string;
  /** Full object key or prefix inside the bucket. */
  readonly key: string;
  /** The operation, e.g. "put", "get", "remove". */
  readonly operation: string;
  /** Kind of credentials the request was signed with; static keys when absent. */
  readonly credentials?: 'webIdentity' | 'instanceMetadata';
}

/** A failed object-storage request; `temporary` tells a caller that trying again later may succeed. */
export class ObjectStorageError extends Error {
  override readonly name = 'ObjectStorageError';
  readonly temporary: boolean;
  readonly target: S3RequestTarget;

  constructor(message: string, target: S3RequestTarget, temporary: boolean, options?: ErrorOptions) {
    super(message, options);
    this.target = target;
    this.temporary = temporary;
  }
}

// Socket-level failures that a restarting or overloaded server produces; DNS lookups are included because
// a storage Service that was just created may not resolve for a few seconds.
const TEMPORARY_NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const TEMPORARY_S3_CODES = new Set(['SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'OperationAborted', 'XMinioServerNotInitialized']);
const NOT_FOUND_S3_CODES = new Set(['NoSuchKey', 'NotFound']);
const CREDENTIAL_S3_CODES = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired']);
const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
// With its own retries disabled, the minio client reports 408/429/5xx replies only through this message.
const RETRYABLE_STATUS_MESSAGE = /Retryable HTTP status: (\d{3})/;

/** Decide whether a failure from the minio client is worth retrying, means "no such object", or is final. */
export function classifyS3Error(error: unknown): S3FailureKind {
  const code = errorCode(error);
  if (code !== undefined && NOT_FOUND_S3_CODES.has(code)) return 'not-found';
  if (code !== undefined && (TEMPORARY_NETWORK_CODES.has(code) || TEMPORARY_S3_CODES.has(code))) return 'temporary';
  if (error instanceof Error && RETRYABLE_STATUS_MESSAGE.test(error.message)) return 'temporary';
  return 'permanent';
}

/** True when the failure came from the network rather than from an answer of the server. */
export function isNetworkFailure(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TEMPORARY_NETWORK_CODES.has(code);
}

/** What the person running the service should check for a permanent failure, or "" when nothing specific. */
export function s3FailureHint(error: unknown, target: S3RequestTarget): string {
  // Failures to obtain credentials already say which variables to check.
  if (credentialFailure(error) !== undefined) return '';
  const code = errorCode(error) ?? '';
  if (CREDENTIAL_S3_CODES.has(code)) {
    const may = `may ${target.operation} objects in bucket "${target.bucket}"`;
    if (target.credentials === 'webIdentity') return `check that the role in AWS_ROLE_ARN ${may}`;
    if (target.credentials === 'instanceMetadata') return `check that the IAM role of the instance ${may}`;
    return `check S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (and S3_SESSION_TOKEN) and that this key ${may}`;
  }
  if (code === 'NoSuchBucket') return `bucket "${target.bucket}" does not exist at ${target.endpoint}: create it or fix the bucket in the artifact URI`;
  if (TLS_TRUST_CODES.has(code)) {
    return `the TLS certificate of ${target.endpoint} is not trusted for this host: set S3_CA_FILE to the PEM of the CA that signed it, or check the host name in S3_ENDPOINT`;
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') return `check whether ${target.endpoint} speaks http or https`;
  if (code === 'AuthorizationHeaderMalformed' || code === 'InvalidRegion') return 'check S3_REGION';
  return '';
}

/** A readable one-line description of a failure, including codes hidden in AggregateErrors and causes. */
export function describeS3Failure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The minio client wraps provider failures as "Unable to get credentials: Error: …"; the cause reads better.
  const credentials = credentialFailure(error);
  if (credentials !== undefined) return credentials.message;
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((e: unknown) => describeS3Failure(e)).join('; ') || (errorCode(error) ?? 'AggregateError');
  }
  const status = RETRYABLE_STATUS_MESSAGE.exec(error.message)?.[1];
  if (status !== undefined) return `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim();
  const code = (error as { code?: unknown }).code;
  const message = error.message || String(code ?? error.name);
  return typeof code === 'string' && code !== '' && !message.includes(code) ? `${code}: ${message}` : message;
}

/** The credential fetch failure or bad credential setting in the cause chain of `error`, if any. */
function credentialFailure(error: unknown): Error | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof CredentialFetchError || e instanceof BadInputError) return e;
  }
  return undefined;
}

/** The error code of `error`, looking through AggregateError members and the cause chain. */
function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (e instanceof AggregateError) {
      const inner = e.errors.map((member: unknown) => errorCode(member)).find((c) => c !== undefined);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
