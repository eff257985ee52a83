import { describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import { s3CredentialsFromEnv, withPodCredentials } from './s3-credential-env.ts';

const IRSA = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/trainer', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' };

describe('s3CredentialsFromEnv', () => {
  it('prefers static keys over web identity and the metadata service', () => {
    expect(s3CredentialsFromEnv({ S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session', ...IRSA }, undefined)).toEqual({
      accessKey: 'key',
      secretKey: 'secret',
      sessionToken: 'session',
    });
  });

  it('uses web identity when the role and the token file are both set, with the regional STS endpoint', () => {
    expect(s3CredentialsFromEnv(IRSA, 'eu-west-1')).toEqual({
      credentials: { kind: 'webIdentity', ...{ roleArn: IRSA.AWS_ROLE_ARN, tokenFile: IRSA.AWS_WEB_IDENTITY_TOKEN_FILE }, stsEndpoint: 'https://sts.eu-west-1.amazonaws.com' },
    });
  });

  it.each([
    [undefined, {}, 'https://sts.amazonaws.com'],
    ['cn-north-1', {}, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['eu-west-1', { AWS_STS_ENDPOINT: 'http://127.0.0.1:4566/' }, 'http://127.0.0.1:4566'],
  ])('in region %s picks STS endpoint from %o', (region, env, stsEndpoint) => {
    expect(s3CredentialsFromEnv({ ...IRSA, ...env }, region)).toMatchObject({ credentials: { stsEndpoint } });
  });

  it('passes the session name through', () => {
    expect(s3CredentialsFromEnv({ ...IRSA, AWS_ROLE_SESSION_NAME: 'trainer-btc' }, undefined)).toMatchObject({ credentials: { sessionName: 'trainer-btc' } });
  });

  it('uses the instance metadata service otherwise, at the overridden endpoint when given', () => {
    expect(s3CredentialsFromEnv({}, undefined)).toEqual({ credentials: { kind: 'instanceMetadata', endpoint: 'http://169.254.169.254' } });
    expect(s3CredentialsFromEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://[fd00:ec2::254]/' }, undefined)).toEqual({
      credentials: { kind: 'instanceMetadata', endpoint: 'http://[fd00:ec2::254]' },
    });
  });

  it.each([
    [{ S3_ACCESS_KEY_ID: 'key' }, 'S3_SECRET_ACCESS_KEY', 'S3_ACCESS_KEY_ID is set but S3_SECRET_ACCESS_KEY is not: set both'],
    [{ AWS_SECRET_ACCESS_KEY: 'secret' }, 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY is set but S3_ACCESS_KEY_ID is not: set both'],
    [{ AWS_ROLE_ARN: IRSA.AWS_ROLE_ARN }, 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not: web identity needs both'],
    [{ AWS_WEB_IDENTITY_TOKEN_FILE: '/token' }, 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: web identity needs both'],
    [{ ...IRSA, AWS_ROLE_ARN: 'trainer' }, 'AWS_ROLE_ARN', 'AWS_ROLE_ARN "trainer" must be a role ARN (arn:aws:iam::123456789012:role/name)'],
    [{ ...IRSA, AWS_ROLE_SESSION_NAME: 'has spaces' }, 'AWS_ROLE_SESSION_NAME', 'AWS_ROLE_SESSION_NAME "has spaces" must be 2-64 of letters, digits and +=,.@_-'],
    [{ ...IRSA, AWS_STS_ENDPOINT: 'sts.local:8080' }, 'AWS_STS_ENDPOINT', 'AWS_STS_ENDPOINT "sts.local:8080" must be an http:// or https:// URL without query or credentials'],
    [{ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'not a url' }, 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'AWS_EC2_METADATA_SERVICE_ENDPOINT "not a url" is not a URL'],
    [{ AWS_EC2_METADATA_DISABLED: 'maybe' }, 'AWS_EC2_METADATA_DISABLED', 'AWS_EC2_METADATA_DISABLED "maybe" must be true or false'],
  ])('refuses %o naming %s', (env, field, message) => {
    let error: unknown;
    try {
      s3CredentialsFromEnv(env, undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).field).toBe(field);
    expect((error as BadInputError).message).toBe(message);
  });
});

describe('withPodCredentials', () => {
  it('adds the pod identity variables the Secret does not set, and nothing else', () => {
    const secret = { S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com', AWS_STS_ENDPOINT: 'https://sts.internal' };
    const pod = { ...IRSA, AWS_STS_ENDPOINT: 'https://sts.eu-west-1.amazonaws.com', HOME: '/home/operator', AWS_REGION: 'eu-west-1' };
    expect(withPodCredentials(secret, pod)).toEqual({ ...secret, ...IRSA });
  });
});
