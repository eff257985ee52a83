import http from 'node:http';
import net from 'node:net';
import { Client } from 'minio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactNotFoundError } from '../core/artifact-store.ts';
import { BadInputError } from '../core/errors.ts';
import { readArtifact, writeArtifact } from '../core/storage/artifact-io.ts';
import { openArtifactStore } from '../core/storage/open-artifact-store.ts';
import type { RetryPolicy } from '../core/retry.ts';
import { S3ArtifactStore, type S3ArtifactStoreOptions } from '../core/storage/s3-artifact-store.ts';
import type { S3Config } from '../core/storage/s3-config.ts';
import { ObjectStorageError } from '../core/storage/s3-errors.ts';
import { FIXTURE_MODEL_ONNX, makeManifest } from './support/manifest-fixture.ts';
import { startS3Server, type TestS3Server } from '../local-cluster/s3-server.ts';

const RUN = 'markets/btc-usdt/run-1';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** A retry policy that records its waits instead of sleeping; random() = 1 makes each wait the full backoff. */
function instantRetry(attempts: number): { retry: Partial<RetryPolicy>; sleeps: number[] } {
  const sleeps: number[] = [];
  return { retry: { attempts, baseDelayMs: 10, maxDelayMs: 1_000, random: () => 1, sleep: async (ms) => void sleeps.push(ms) }, sleeps };
}

const configOf = (server: TestS3Server, overrides: Partial<S3Config> = {}): S3Config => ({
  endpoint: server.endpoint,
  accessKey: server.accessKey,
  secretKey: server.secretKey,
  ...overrides,
});

const storeAt = (server: TestS3Server, path: string, overrides: Partial<S3Config> = {}, options: S3ArtifactStoreOptions = {}) =>
  new S3ArtifactStore(`s3://${server.bucket}/${path}/`, configOf(server, overrides), options);

/** An unused loopback port: listened on once and closed again, so connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Fault = 'reset' | 'slowdown';

/** A proxy in front of s3rver that answers the first requests with the given faults, then forwards. */
async function startFlakyProxy(target: string, faults: Fault[]): Promise<{ endpoint: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const fault = faults.shift();
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'slowdown') {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      });
      return;
    }
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('S3ArtifactStore against s3rver', () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3.close();
  });

  it('puts, gets and checks objects under the URI prefix', async () => {
    const store = storeAt(s3, RUN);
    expect(await store.exists('model.onnx')).toBe(false);
    await store.put('model.onnx', FIXTURE_MODEL_ONNX);
    await store.put('backtest.json', bytes('{"mae":1.5}'), 'application/json');
    expect(text(await store.get('backtest.json'))).toBe('{"mae":1.5}');
    expect(Array.from(await store.get('model.onnx'))).toEqual(Array.from(FIXTURE_MODEL_ONNX));
    expect(await store.exists('model.onnx')).toBe(true);

    // Seen through a plain client: the key is prefix + name and the content type is kept.
    const url = new URL(s3.endpoint);
    const raw = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey });
    const stat = await raw.statObject(s3.bucket, `${RUN}/backtest.json`);
    expect(stat.size).toBe(11);
    expect(stat.metaData['content-type']).toBe('application/json');
  });

  it('throws ArtifactNotFoundError for a missing key', async () => {
    const store = storeAt(s3, 'markets/btc-usdt/never-ran');
    const failure = store.get('manifest.json');
    await expect(failure).rejects.toBeInstanceOf(ArtifactNotFoundError);
    await expect(failure).rejects.toThrow(`no manifest.json at s3://${s3.bucket}/markets/btc-usdt/never-ran/`);
  });

  it('removes every object of the run and nothing of its neighbours', async () => {
    const run = storeAt(s3, 'markets/eth-usdt/run-7');
    const neighbour = storeAt(s3, 'markets/eth-usdt/run-70');
    await Promise.all([run.put('model.onnx', bytes('a')), run.put('plots/loss.json', bytes('b')), neighbour.put('model.onnx', bytes('c'))]);
    await run.removeAll();
    expect(await run.exists('model.onnx')).toBe(false);
    expect(await run.exists('plots/loss.json')).toBe(false);
    expect(text(await neighbour.get('model.onnx'))).toBe('c');
    await run.removeAll();
  });

  it('refuses to empty a whole bucket', async () => {
    const root = new S3ArtifactStore(`s3://${s3.bucket}/`, configOf(s3));
    await expect(root.removeAll()).rejects.toBeInstanceOf(BadInputError);
  });

  it('writes an artifact that readArtifact accepts', async () => {
    const store = openArtifactStore(`s3://${s3.bucket}/markets/btc-usdt/run-2/`, { s3: configOf(s3) });
    const written = await writeArtifact(store, { modelOnnx: FIXTURE_MODEL_ONNX, backtest: { points: [] }, manifest: makeManifest() });
    expect(written).toEqual({ uri: `s3://${s3.bucket}/markets/btc-usdt/run-2/`, sha256: makeManifest().modelSha256 });
    const { manifest, modelOnnx } = await readArtifact(store);
    expect(manifest.version).toBe('btc-usdt-run-1');
    expect(modelOnnx.byteLength).toBe(FIXTURE_MODEL_ONNX.byteLength);
  });

  it('fails at once with what to check when the access key is unknown', async () => {
    const { retry, sleeps } = instantRetry(5);
    const store = storeAt(s3, RUN, { accessKey: 'not-a-key' }, { retry });
    const error = await store.put('model.onnx', bytes('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStorageError);
    expect((error as ObjectStorageError).temporary).toBe(false);
    expect((error as Error).message).toMatch(/^put s3:\/\/artifacts\/markets\/btc-usdt\/run-1\/model\.onnx at http:\/\/127\.0\.0\.1:\d+ failed: .*check S3_ACCESS_KEY_ID/);
    expect(sleeps).toEqual([]);
  });

  it('fails at once naming the bucket when it does not exist', async () => {
    const { retry, sleeps } = instantRetry(5);
    const store = new S3ArtifactStore('s3://missing-bucket/run-1/', configOf(s3), { retry });
    await expect(store.put('model.onnx', bytes('x'))).rejects.toThrow(`bucket "missing-bucket" does not exist at ${s3.endpoint}: create it or fix the bucket in the artifact URI`);
    await expect(store.exists('model.onnx')).rejects.toThrow('bucket "missing-bucket" does not exist');
    expect(sleeps).toEqual([]);
  });

  describe('through a flaky proxy', () => {
    let proxy: Awaited<ReturnType<typeof startFlakyProxy>> | undefined;
    afterEach(async () => {
      await proxy?.close();
    });

    it('retries a reset connection and a 503 SlowDown, then succeeds', async () => {
      proxy = await startFlakyProxy(s3.endpoint, ['reset', 'slowdown']);
      const { retry, sleeps } = instantRetry(5);
      const store = storeAt(s3, 'markets/sol-usdt/run-1', { endpoint: proxy.endpoint, region: 'us-east-1' }, { retry });
      await store.put('model.onnx', bytes('survived'));
      expect(sleeps).toEqual([10, 20]);
      expect(proxy.requests).toEqual(Array(3).fill(`PUT /${s3.bucket}/markets/sol-usdt/run-1/model.onnx`));
      expect(text(await storeAt(s3, 'markets/sol-usdt/run-1').get('model.onnx'))).toBe('survived');
    });

    it('gives up after the configured attempts with the endpoint, object and HTTP status', async () => {
      proxy = await startFlakyProxy(s3.endpoint, ['slowdown', 'slowdown', 'slowdown']);
      const { retry, sleeps } = instantRetry(3);
      const store = storeAt(s3, 'markets/sol-usdt/run-1', { endpoint: proxy.endpoint, region: 'us-east-1' }, { retry });
      const error = await store.get('model.onnx').catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        `object storage at ${proxy.endpoint} unavailable after 3 attempts (get s3://${s3.bucket}/markets/sol-usdt/run-1/model.onnx): HTTP 503 Service Unavailable`,
      );
      expect((error as ObjectStorageError).temporary).toBe(true);
      expect(sleeps).toEqual([10, 20]);
    });
  });
});

describe('S3ArtifactStore when storage is unreachable', () => {
  it('retries a refused connection with backoff, then names the endpoint, object and cause', async () => {
    const port = await closedPort();
    const { retry, sleeps } = instantRetry(5);
    const store = new S3ArtifactStore('s3://artifacts/markets/btc-usdt/run-1/', { endpoint: `http://127.0.0.1:${port}`, accessKey: 'a', secretKey: 'b' }, { retry });
    const error = await store.put('model.onnx', bytes('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStorageError);
    expect((error as Error).message).toBe(
      `object storage at http://127.0.0.1:${port} unreachable after 5 attempts (put s3://artifacts/markets/btc-usdt/run-1/model.onnx): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(sleeps).toEqual([10, 20, 40, 80]);
  });

  it('times out a server that accepts connections but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const { retry, sleeps } = instantRetry(2);
      const store = new S3ArtifactStore('s3://artifacts/run-1/', { endpoint: `http://127.0.0.1:${port}`, accessKey: 'a', secretKey: 'b', region: 'us-east-1' }, { retry, timeoutMs: 100 });
      await expect(store.get('manifest.json')).rejects.toThrow(`object storage at http://127.0.0.1:${port} unreachable after 2 attempts (get s3://artifacts/run-1/manifest.json): ETIMEDOUT: no response within 100 ms`);
      expect(sleeps).toEqual([10]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('S3ArtifactStore over TLS with a private CA', () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3Server({ tls: true });
  });
  afterAll(async () => {
    await s3.close();
  });

  it('trusts the endpoint when given the CA inline or as a file', async () => {
    expect(s3.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    await storeAt(s3, RUN, { ca: s3.ca }).put('model.onnx', bytes('over tls'));
    expect(text(await storeAt(s3, RUN, { caFile: s3.caFile }).get('model.onnx'))).toBe('over tls');
  });

  it('refuses the endpoint without the CA and says to set S3_CA_FILE, without retrying', async () => {
    const { retry, sleeps } = instantRetry(5);
    const error = await storeAt(s3, RUN, {}, { retry }).get('model.onnx').catch((e: unknown) => e);
    expect((error as ObjectStorageError).temporary).toBe(false);
    expect((error as Error).message).toContain(`the TLS certificate of ${s3.endpoint} is not trusted for this host: set S3_CA_FILE`);
    expect(sleeps).toEqual([]);
  });

  it('names S3_CA_FILE when the CA file cannot be read', () => {
    expect(() => storeAt(s3, RUN, { caFile: '/nonexistent/ca.pem' })).toThrow('S3_CA_FILE "/nonexistent/ca.pem" cannot be read');
  });
});
