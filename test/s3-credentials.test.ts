import net from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../core/errors.ts';
import type { Env } from '../core/env.ts';
import { readArtifact, writeArtifact } from '../core/storage/artifact-io.ts';
import { openArtifactStore } from '../core/storage/open-artifact-store.ts';
import { S3ArtifactStore } from '../core/storage/s3-artifact-store.ts';
import { s3ConfigFromEnv, type S3Config } from '../core/storage/s3-config.ts';
import { ObjectStorageError } from '../core/storage/s3-errors.ts';
import { startCredentialServer, type CredentialServer } from './support/credential-server.ts';
import { FIXTURE_MODEL_ONNX, makeManifest } from './support/manifest-fixture.ts';
import { startS3Server, type TestS3Server } from '../local-cluster/s3-server.ts';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/make-us-rich-trainer';
const SERVICE_ACCOUNT_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.service-account.token';
// Long enough for a few requests on a busy two-core machine; refreshes happen at four fifths of it.
const LIFETIME_MS = 3_000;
const bytes = (text: string) => new TextEncoder().encode(text);
const noRetry = { retry: { attempts: 1 } };

let s3: TestS3Server;
let standIn: CredentialServer;
let folder: string;
let tokenFile: string;

beforeAll(async () => {
  s3 = await startS3Server();
  standIn = await startCredentialServer({ s3, webIdentityToken: SERVICE_ACCOUNT_TOKEN, roleArn: ROLE_ARN, lifetimeMs: LIFETIME_MS });
  folder = await mkdtemp(join(tmpdir(), 'mur-s3-credentials-'));
  tokenFile = join(folder, 'token');
  await writeFile(tokenFile, `${SERVICE_ACCOUNT_TOKEN}\n`);
});

afterAll(async () => {
  await standIn?.close();
  await s3?.close();
  await rm(folder, { recursive: true, force: true });
});

/** The environment an IRSA-annotated pod sees, pointed at the stand-in. */
const webIdentityEnv = (overrides: Env = {}): Env => ({
  S3_ENDPOINT: standIn.endpoint,
  S3_REGION: 'us-east-1',
  AWS_ROLE_ARN: ROLE_ARN,
  AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
  AWS_STS_ENDPOINT: standIn.endpoint,
  ...overrides,
});

const configFrom = (env: Env): S3Config => {
  const config = s3ConfigFromEnv(env);
  if (config === undefined) throw new Error('S3_ENDPOINT missing from the test environment');
  return config;
};

const storeFor = (env: Env, run: string) => openArtifactStore(`s3://${s3.bucket}/${run}/`, { s3: configFrom(env), ...noRetry });

describe('S3 credentials through web identity', () => {
  it('writes and reads an artifact with credentials from AssumeRoleWithWebIdentity', async () => {
    const before = standIn.stsCalls.length;
    const store = storeFor(webIdentityEnv({ AWS_ROLE_SESSION_NAME: 'trainer-btc-usdt' }), 'markets/btc-usdt/irsa-1');
    await writeArtifact(store, { modelOnnx: FIXTURE_MODEL_ONNX, backtest: { points: [] }, manifest: makeManifest() });
    const { manifest } = await readArtifact(store);
    expect(manifest.version).toBe(makeManifest().version);
    expect(standIn.stsCalls.slice(before).map((call) => call.sessionName)).toEqual(['trainer-btc-usdt']);
    expect(standIn.s3SessionTokens.at(-1)).toMatch(/^sts-\d+$/);
  });

  it('refreshes the credentials before they expire, so uploads keep working past the first expiry', async () => {
    const store = storeFor(webIdentityEnv(), 'markets/eth-usdt/irsa-2');
    const before = standIn.stsCalls.length;
    await store.put('a.json', bytes('1'));
    const first = standIn.stsCalls[before]!;
    const firstToken = standIn.s3SessionTokens.at(-1)!;

    // Past the refresh point (four fifths of the lifetime) but before the first set expires.
    await sleep(Math.max(0, first.at + LIFETIME_MS * 0.85 - Date.now()));
    await store.put('b.json', bytes('2'));
    expect(standIn.stsCalls.length - before).toBe(2);
    const second = standIn.stsCalls[before + 1]!;
    expect(second.at).toBeLessThan(first.expiresAt);
    expect(standIn.s3SessionTokens.at(-1)).not.toBe(firstToken);

    // Once the first set has expired, requests signed with it are refused while the store carries on.
    await sleep(Math.max(0, first.expiresAt + 50 - Date.now()));
    const stale = new S3ArtifactStore(`s3://${s3.bucket}/markets/eth-usdt/irsa-2/`, { endpoint: standIn.endpoint, region: 'us-east-1', accessKey: s3.accessKey, secretKey: s3.secretKey, sessionToken: firstToken }, noRetry);
    await expect(stale.put('c.json', bytes('3'))).rejects.toThrow(/ExpiredToken/);
    await store.put('c.json', bytes('3'));
    expect(new TextDecoder().decode(await store.get('b.json'))).toBe('2');
    expect(standIn.stsCalls.length - before).toBe(2);
  });

  it('fetches once for concurrent requests', async () => {
    const store = storeFor(webIdentityEnv(), 'markets/sol-usdt/irsa-3');
    const before = standIn.stsCalls.length;
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => store.put(`${name}.json`, bytes(name))));
    expect(standIn.stsCalls.length - before).toBe(1);
  });

  it('names AWS_WEB_IDENTITY_TOKEN_FILE when the token cannot be read, before any request', () => {
    const attempt = () => storeFor(webIdentityEnv({ AWS_WEB_IDENTITY_TOKEN_FILE: join(folder, 'missing') }), 'run-x');
    expect(attempt).toThrow(BadInputError);
    expect(attempt).toThrow(`AWS_WEB_IDENTITY_TOKEN_FILE "${join(folder, 'missing')}" cannot be read`);
  });

  it('names AWS_WEB_IDENTITY_TOKEN_FILE when the token file is empty', async () => {
    const empty = join(folder, 'empty-token');
    await writeFile(empty, '\n');
    expect(() => storeFor(webIdentityEnv({ AWS_WEB_IDENTITY_TOKEN_FILE: empty }), 'run-x')).toThrow(`AWS_WEB_IDENTITY_TOKEN_FILE "${empty}" is empty`);
  });

  it('fails at once with what to check when STS refuses the token', async () => {
    const wrongToken = join(folder, 'other-token');
    await writeFile(wrongToken, 'a-token-of-another-cluster');
    const store = new S3ArtifactStore(`s3://${s3.bucket}/run-y/`, configFrom(webIdentityEnv({ AWS_WEB_IDENTITY_TOKEN_FILE: wrongToken })), { retry: { attempts: 3, sleep: async () => {} } });
    const error = await store.put('model.onnx', bytes('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStorageError);
    expect((error as ObjectStorageError).temporary).toBe(false);
    expect((error as Error).message).toMatch(
      /^put s3:\/\/artifacts\/run-y\/model\.onnx at .* failed: web identity: STS at .* refused AssumeRoleWithWebIdentity for AWS_ROLE_ARN arn:aws:iam::123456789012:role\/make-us-rich-trainer with HTTP 400 InvalidIdentityToken: token not accepted; check that the role trusts/,
    );
  });
});

describe('S3 credentials from the instance metadata service', () => {
  // No S3_REGION: the client first asks the bucket for its location, which needs credentials too.
  const metadataEnv = (overrides: Env = {}): Env => ({ S3_ENDPOINT: standIn.endpoint, AWS_EC2_METADATA_SERVICE_ENDPOINT: standIn.endpoint, ...overrides });

  it('writes and reads an artifact with the instance role credentials from IMDSv2', async () => {
    const before = standIn.metadataCredentialCalls();
    const store = storeFor(metadataEnv(), 'markets/btc-usdt/imds-1');
    await writeArtifact(store, { modelOnnx: FIXTURE_MODEL_ONNX, backtest: { points: [] }, manifest: makeManifest() });
    expect((await readArtifact(store)).modelOnnx.byteLength).toBe(FIXTURE_MODEL_ONNX.byteLength);
    expect(standIn.metadataCredentialCalls() - before).toBe(1);
    expect(standIn.s3SessionTokens.at(-1)).toMatch(/^imds-\d+$/);
  });

  it('retries an unreachable metadata service, then says how to choose other credentials', async () => {
    const port = await closedPort();
    const sleeps: number[] = [];
    const config = configFrom(metadataEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}` }));
    const store = new S3ArtifactStore(`s3://${s3.bucket}/run-z/`, config, { retry: { attempts: 2, baseDelayMs: 1, sleep: async (ms) => void sleeps.push(ms) } });
    const error = await store.put('model.onnx', bytes('x')).catch((e: unknown) => e);
    expect((error as ObjectStorageError).temporary).toBe(true);
    expect(sleeps).toHaveLength(1);
    expect((error as Error).message).toContain(`instance metadata at http://127.0.0.1:${port} did not answer PUT /latest/api/token`);
    expect((error as Error).message).toContain('AWS_EC2_METADATA_DISABLED=true');
  });
});

/** An unused loopback port: listened on once and closed again, so connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
