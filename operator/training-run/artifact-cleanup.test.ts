import { describe, expect, it } from 'vitest';
import { cleanupS3Config } from './artifact-cleanup.ts';

describe('the S3 settings the operator cleans up artifacts with', () => {
  const secret = { S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com', S3_REGION: 'eu-west-1' };
  const irsa = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/mur-operator', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' };

  it('signs with the operator pod identity when the namespace Secret holds no keys', () => {
    const config = cleanupS3Config(secret, irsa);
    expect(config?.endpoint).toBe('https://s3.eu-west-1.amazonaws.com');
    expect(config?.accessKey).toBeUndefined();
    expect(config?.credentials).toMatchObject({ kind: 'webIdentity', roleArn: irsa.AWS_ROLE_ARN });
  });

  it('keeps the Secret static keys when there are some', () => {
    const config = cleanupS3Config({ ...secret, S3_ACCESS_KEY_ID: 'AKIA', S3_SECRET_ACCESS_KEY: 'secret' }, irsa);
    expect(config).toMatchObject({ accessKey: 'AKIA', secretKey: 'secret' });
  });
});
