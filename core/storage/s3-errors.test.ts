import { S3Error } from 'minio';
import { describe, expect, it } from 'vitest';
import { CredentialFetchError } from './credential-fetch-error.ts';
import { classifyS3Error, describeS3Failure, s3FailureHint } from './s3-errors.ts';

const s3Error = (code: string, message: string) => Object.assign(new S3Error(message), { code });
const withCode = (code: string, message: string) => Object.assign(new Error(message), { code });
const target = { endpoint: 'http://minio:9000', bucket: 'artifacts', key: 'run-1/model.onnx', operation: 'put' };

describe('classifyS3Error', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:9000')],
    ['a reset connection', withCode('ECONNRESET', 'socket hang up')],
    ['a timeout', withCode('ETIMEDOUT', 'no response within 20000 ms')],
    ['SlowDown', s3Error('SlowDown', 'Please reduce your request rate.')],
    ['InternalError', s3Error('InternalError', 'We encountered an internal error.')],
    ['a 503 reported by the client', new Error('Request failed after 0 retries: Error: Retryable HTTP status: 503')],
    ['refused connections of every address of a host name', new AggregateError([withCode('ECONNREFUSED', 'connect ECONNREFUSED ::1:9000')], '')],
  ])('treats %s as temporary', (_name, error) => {
    expect(classifyS3Error(error)).toBe('temporary');
  });

  it.each([
    ['NoSuchKey', s3Error('NoSuchKey', 'The specified key does not exist.'), 'not-found'],
    ['a bare 404', s3Error('NotFound', 'Not Found'), 'not-found'],
    ['AccessDenied', s3Error('AccessDenied', 'Access Denied.'), 'permanent'],
    ['NoSuchBucket', s3Error('NoSuchBucket', 'The specified bucket does not exist'), 'permanent'],
    ['an untrusted certificate', withCode('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), 'permanent'],
  ])('classifies %s', (_name, error, kind) => {
    expect(classifyS3Error(error)).toBe(kind);
  });
});

describe('s3FailureHint', () => {
  it('points at the credentials for access errors', () => {
    expect(s3FailureHint(s3Error('InvalidAccessKeyId', 'unknown key'), target)).toBe(
      'check S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (and S3_SESSION_TOKEN) and that this key may put objects in bucket "artifacts"',
    );
  });

  it('points at the role when the request was signed with temporary credentials', () => {
    expect(s3FailureHint(s3Error('AccessDenied', 'Access Denied.'), { ...target, credentials: 'webIdentity' })).toBe(
      'check that the role in AWS_ROLE_ARN may put objects in bucket "artifacts"',
    );
    expect(s3FailureHint(s3Error('AccessDenied', 'Access Denied.'), { ...target, credentials: 'instanceMetadata' })).toBe(
      'check that the IAM role of the instance may put objects in bucket "artifacts"',
    );
  });

  it('adds nothing to a failure to obtain credentials, whose message says what to check', () => {
    const wrapped = new Error('Unable to get credentials: CredentialFetchError: …', { cause: new CredentialFetchError('web identity: STS refused', 'AccessDenied') });
    expect(s3FailureHint(wrapped, target)).toBe('');
  });

  it('points at the CA file for untrusted certificates', () => {
    expect(s3FailureHint(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'), target)).toContain('set S3_CA_FILE');
  });
});

describe('describeS3Failure', () => {
  it('spells out an AggregateError without a message through its members', () => {
    const error = new AggregateError([withCode('ECONNREFUSED', 'connect ECONNREFUSED ::1:9000'), withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9000')], '');
    expect(describeS3Failure(error)).toBe('connect ECONNREFUSED ::1:9000; connect ECONNREFUSED 127.0.0.1:9000');
  });

  it('turns a status reported by the client into the HTTP status line', () => {
    expect(describeS3Failure(new Error('Request failed after 0 retries: Error: Retryable HTTP status: 503'))).toBe('HTTP 503 Service Unavailable');
  });

  it('describes a failure to obtain credentials by its own message rather than the client wrapper', () => {
    const wrapped = new Error('Unable to get credentials: CredentialFetchError: …', { cause: new CredentialFetchError('instance metadata at http://169.254.169.254 did not answer') });
    expect(describeS3Failure(wrapped)).toBe('instance metadata at http://169.254.169.254 did not answer');
  });

  it('classifies busy credential endpoints as temporary and refusals as permanent', () => {
    expect(classifyS3Error(new Error('wrapped', { cause: new CredentialFetchError('STS busy', 'ServiceUnavailable') }))).toBe('temporary');
    expect(classifyS3Error(new Error('wrapped', { cause: new CredentialFetchError('STS refused', 'InvalidIdentityToken') }))).toBe('permanent');
  });

  it('prefixes the S3 code when the message does not contain it', () => {
    expect(describeS3Failure(s3Error('NoSuchBucket', 'The specified bucket does not exist'))).toBe('NoSuchBucket: The specified bucket does not exist');
  });
});
