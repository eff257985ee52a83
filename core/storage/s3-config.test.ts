import { describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import { checkS3Endpoint, s3ConfigFromEnv } from './s3-config.ts';

describe('s3ConfigFromEnv', () => {
  it('returns undefined when no endpoint is configured', () => {
    expect(s3ConfigFromEnv({ AWS_ACCESS_KEY_ID: 'key' })).toBeUndefined();
  });

  it('reads every S3_ variable', () => {
    const config = s3ConfigFromEnv({
      S3_ENDPOINT: 'https://minio.example:9000',
      S3_ACCESS_KEY_ID: 'trainer',
      S3_SECRET_ACCESS_KEY: 's3cret',
      S3_REGION: 'eu-west-1',
      S3_SESSION_TOKEN: 'token',
      S3_CA_FILE: '/etc/ssl/minio/ca.crt',
      S3_FORCE_PATH_STYLE: 'false',
    });
    expect(config).toEqual({
      endpoint: 'https://minio.example:9000',
      accessKey: 'trainer',
      secretKey: 's3cret',
      region: 'eu-west-1',
      sessionToken: 'token',
      caFile: '/etc/ssl/minio/ca.crt',
      pathStyle: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('accepts the AWS_ names for credentials and region, preferring the S3_ ones', () => {
    const config = s3ConfigFromEnv({
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      AWS_ACCESS_KEY_ID: 'aws-key',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      S3_SECRET_ACCESS_KEY: 's3-secret',
      AWS_REGION: 'us-east-2',
    });
    expect(config).toEqual({ endpoint: 'http://127.0.0.1:9000', accessKey: 'aws-key', secretKey: 's3-secret', region: 'us-east-2' });
  });

  it('accepts the standard AWS_ names for the endpoint and the CA bundle, preferring the S3_ ones', () => {
    const keys = { S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' };
    expect(s3ConfigFromEnv({ ...keys, AWS_ENDPOINT_URL: 'http://all-services:4566', AWS_CA_BUNDLE: '/etc/ssl/aws-ca.pem' })).toMatchObject({
      endpoint: 'http://all-services:4566',
      caFile: '/etc/ssl/aws-ca.pem',
    });
    expect(s3ConfigFromEnv({ ...keys, AWS_ENDPOINT_URL: 'http://all-services:4566', AWS_ENDPOINT_URL_S3: 'http://s3-only:9000' })?.endpoint).toBe('http://s3-only:9000');
    const both = s3ConfigFromEnv({ ...keys, S3_ENDPOINT: 'http://minio:9000', AWS_ENDPOINT_URL_S3: 'http://s3-only:9000', S3_CA_FILE: '/minio-ca.pem', AWS_CA_BUNDLE: '/aws-ca.pem' });
    expect(both).toMatchObject({ endpoint: 'http://minio:9000', caFile: '/minio-ca.pem' });
  });

  it('names the AWS_ variable the endpoint came from when it is malformed', () => {
    expect(() => s3ConfigFromEnv({ AWS_ENDPOINT_URL_S3: 'minio:9000' })).toThrow('AWS_ENDPOINT_URL_S3 "minio:9000" must start with http:// or https://');
  });

  it('falls back to the instance metadata service when no keys and no web identity are set', () => {
    expect(s3ConfigFromEnv({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      credentials: { kind: 'instanceMetadata', endpoint: 'http://169.254.169.254' },
    });
  });

  it('names every way to give credentials when the metadata service is disabled', () => {
    let error: unknown;
    try {
      s3ConfigFromEnv({ S3_ENDPOINT: 'http://127.0.0.1:9000', AWS_EC2_METADATA_DISABLED: 'true' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).field).toBe('S3_ACCESS_KEY_ID');
    expect((error as BadInputError).message).toBe(
      'S3_ENDPOINT is set but no credentials are (AWS_EC2_METADATA_DISABLED is true): set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY ' +
        '(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY also work), or AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE for web identity, ' +
        'or leave AWS_EC2_METADATA_DISABLED unset to use the instance metadata service',
    );
  });

  it('rejects a path-style flag that is not a boolean', () => {
    expect(() => s3ConfigFromEnv({ S3_ENDPOINT: 'http://h:9000', S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b', S3_FORCE_PATH_STYLE: 'sometimes' })).toThrow(
      'S3_FORCE_PATH_STYLE "sometimes" must be true or false',
    );
  });
});

describe('checkS3Endpoint', () => {
  it('accepts scheme, host and port', () => {
    expect(checkS3Endpoint('https://minio.example:9000').port).toBe('9000');
  });

  it.each([
    ['minio:9000', 'must start with http:// or https://'],
    ['ftp://minio', 'must start with http:// or https://'],
    ['http://minio:9000/artifacts', 'must be scheme://host[:port] only'],
    ['not a url', 'is not a URL'],
  ])('rejects %s', (endpoint, message) => {
    expect(() => checkS3Endpoint(endpoint, 'S3_ENDPOINT')).toThrow(message);
  });
});
