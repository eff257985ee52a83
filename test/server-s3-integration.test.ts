// The service end to end over real HTTP: an artifact (a real ONNX model from the trainer's exporter) in
// s3rver, candles from the exchange replay server, and the forecast compared with a direct onnxruntime call.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFeatureWindow } from '../core/features.ts';
import { ARTIFACT_FILES } from '../core/manifest.ts';
import { openArtifactStore } from '../core/storage/open-artifact-store.ts';
import { parseServerConfig } from '../server-image/src/config.ts';
import { createLogger } from '../server-image/src/logger.ts';
import { startInferenceService, type InferenceService } from '../server-image/src/service.ts';
import { startExchangeReplayServer, type ExchangeReplayServer } from '../exchange-replay/exchange-replay-server.ts';
import { freePort } from '../local-cluster/net.ts';
import { startS3Server, type TestS3Server } from '../local-cluster/s3-server.ts';
import { makeCandles, makeModelArtifact, writeModelArtifact } from './support/server-fixtures.ts';
import { jsonOf, logCollector, manualClock } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 4, 1);
const NOW = T0 + 60 * HOUR + 3_000;
const TOKEN = 'integration-token-0123456789';
const artifact = makeModelArtifact({ window: 24, horizon: 6, units: 16, layers: 2, seed: 3 });
const candles = makeCandles({ start: T0, count: 60, seed: 9 });
const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

let s3: TestS3Server;
let exchange: ExchangeReplayServer;
let workDir: string;

beforeAll(async () => {
  s3 = await startS3Server();
  exchange = await startExchangeReplayServer({ candles, timeframe: '1h', symbol: 'BTC/USDT', now: NOW });
  workDir = await mkdtemp(join(tmpdir(), 'mur-server-it-'));
  await writeFile(join(workDir, 'integration'), TOKEN);
});
afterAll(async () => {
  await exchange.close();
  await s3.close();
  await rm(workDir, { recursive: true, force: true });
});

function s3Env(endpoint: string, prefix: string): Record<string, string> {
  return {
    MODEL_URI: `s3://${s3.bucket}/${prefix}/`,
    S3_ENDPOINT: endpoint,
    S3_ACCESS_KEY_ID: s3.accessKey,
    S3_SECRET_ACCESS_KEY: s3.secretKey,
    HOST: '127.0.0.1',
    PORT: '0',
    TOKEN_DIR: workDir,
    EXCHANGE_BASE_URL: exchange.url,
    MODEL_LOAD_RETRY_MAX_MS: '200',
  };
}

async function start(env: Record<string, string>) {
  const logs = logCollector();
  const service = await startInferenceService({ config: parseServerConfig(env), logger: createLogger('info', logs.stream), serverVersion: '0.0.0-it', clock: manualClock(NOW) });
  return { service, logs, url: `http://127.0.0.1:${service.port}` };
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('serving an artifact from object storage', () => {
  let service: InferenceService;
  let url: string;

  beforeAll(async () => {
    await writeModelArtifact(openArtifactStore(`s3://${s3.bucket}/markets/btc-usdt/run-1/`, { s3 }), artifact);
    ({ service, url } = await start(s3Env(s3.endpoint, 'markets/btc-usdt/run-1')));
    expect((await service.modelLoaded).state).toBe('ready');
  });
  afterAll(async () => {
    await service.shutdown(1_000);
  });

  it('forecasts from the live candles exactly what onnxruntime computes on the same candles', async () => {
    const forecast = await eventually(() => fetch(`${url}/v1/forecast`, { headers: auth }).then(jsonOf), (body) => body.points !== undefined, 'the live forecast');
    const window = candles.slice(-25);
    const session = await ort.InferenceSession.create(artifact.modelOnnx);
    const output = await session.run({ features: new ort.Tensor('float32', buildFeatureWindow(window, 24), [1, 24, 8]) });
    await session.release();
    const y = output['quantiles']!.data as Float32Array;
    const lastClose = window[24]!.close;
    expect(forecast).toMatchObject({ stale: false, ageSeconds: 3, lastClose, modelVersion: 'test-run-1' });
    expect(forecast.points.map((p: { lower: number; median: number; upper: number }) => [p.lower, p.median, p.upper])).toEqual(
      Array.from({ length: 6 }, (_, step) => [0, 1, 2].map((q) => lastClose * Math.exp(y[step * 3 + q]!))),
    );

    const posted = await fetch(`${url}/v1/forecast`, { method: 'POST', headers: auth, body: JSON.stringify({ candles: window }) }).then(jsonOf);
    expect(posted.points).toEqual(forecast.points);
    expect(await fetch(`${url}/readyz`).then((r) => r.status)).toBe(200);
  });
});

describe('object storage down at start', () => {
  it('retries with backoff, stays not ready meanwhile, and becomes ready once storage answers', async () => {
    const port = await freePort();
    const { service, url, logs } = await start(s3Env(`http://127.0.0.1:${port}`, 'markets/btc-usdt/run-2'));
    let late: { close(): Promise<void> } | undefined;
    try {
      await eventually(async () => logs.lines().filter((line) => line.includes('could not load the model yet')).length, (n) => n >= 2, 'two failed attempts');
      expect(await fetch(`${url}/readyz`).then(jsonOf)).toEqual({ ready: false, status: 'loading' });
      expect((await fetch(`${url}/v1/forecast`, { headers: auth })).status).toBe(503);

      late = await startS3rverOn(port);
      const config = { endpoint: `http://127.0.0.1:${port}`, accessKey: 'S3RVER', secretKey: 'S3RVER' };
      await writeModelArtifact(openArtifactStore(`s3://${s3.bucket}/markets/btc-usdt/run-2/`, { s3: config }), artifact);
      expect((await service.modelLoaded).state).toBe('ready');
      expect(await fetch(`${url}/readyz`).then((r) => r.status)).toBe(200);
    } finally {
      await service.shutdown(1_000);
      await late?.close();
    }
  });
});

describe('an artifact this build does not understand', () => {
  it.each([
    ['a newer schema version', { schemaVersion: 99 }, /schemaVersion 99; this build reads schemaVersion 1/],
    ['another feature spec', { featureSpecVersion: 2 }, /featureSpecVersion 2; this build computes featureSpecVersion 1/],
    ['a model that fails its checksum', { modelSha256: '0'.repeat(64) }, /sha256 .* does not match manifest/],
  ])('refuses %s with a clear log line and stays not ready', async (name, patch, reason) => {
    const prefix = `markets/btc-usdt/refused-${Object.keys(patch)[0]}`;
    const store = openArtifactStore(`s3://${s3.bucket}/${prefix}/`, { s3 });
    await store.put(ARTIFACT_FILES.model, artifact.modelOnnx);
    await store.put(ARTIFACT_FILES.manifest, new TextEncoder().encode(JSON.stringify({ ...artifact.manifest, ...patch })));
    const { service, url, logs } = await start(s3Env(s3.endpoint, prefix));
    try {
      expect((await service.modelLoaded).state).toBe('refused');
      expect(await fetch(`${url}/readyz`).then(jsonOf)).toEqual({ ready: false, status: 'refused' });
      expect(await fetch(`${url}/healthz`).then((r) => r.status)).toBe(200);
      const refusal = logs.lines().map((line) => JSON.parse(line)).filter((entry) => entry.level === 'error');
      expect(refusal, name).toHaveLength(1);
      expect(refusal[0].msg).toMatch(/refusing to serve this artifact/);
      expect(refusal[0].reason).toMatch(reason);
      const forecast = await fetch(`${url}/v1/forecast`, { headers: auth });
      expect(forecast.status).toBe(503);
      const answer = await forecast.text();
      expect(JSON.parse(answer)).toMatchObject({ code: 'model_refused', error: expect.stringMatching(/^the model cannot be served: /) });
      // What was wrong, and where the artifact lives, is for the log only.
      expect(answer).not.toContain(s3.bucket);
      expect(answer).not.toContain(prefix);
      expect(answer).not.toMatch(/sha256|schemaVersion|featureSpecVersion|[0-9a-f]{64}/);
    } finally {
      await service.shutdown(1_000);
    }
  });
});

/** s3rver on a chosen port (the shared helper always picks a free one), with the same bucket and account. */
async function startS3rverOn(port: number): Promise<{ close(): Promise<void> }> {
  const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => { run(): Promise<unknown>; close(): Promise<void> };
  const directory = await mkdtemp(join(tmpdir(), 'mur-s3rver-late-'));
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: s3.bucket }] });
  await server.run();
  return {
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
