/**
 * The whole path on the real control plane with the real images' entrypoints: a ForecastModel becomes a
 * TrainingRun and a Job whose Pod the process kubelet runs as the real trainer (against s3rver and the exchange
 * replay server), the artifact is promoted, and the Deployment's Pod runs the real inference server, which
 * answers a forecast through its Service. Deleting the ForecastModel then removes everything (the garbage
 * collector), artifacts included (the operator's finalizer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArtifactStore } from '../core/storage/open-artifact-store.ts';
import { processRuntime } from '../local-cluster/kubelet/process-runtime.ts';
import { startClusterHarness, TEST_API_TOKEN, type ClusterHarness, type KubeObject } from './support/cluster-harness.ts';
import { startExchangeReplayServer, type ExchangeReplayServer } from '../exchange-replay/exchange-replay-server.ts';
import { startS3Server, type TestS3Server } from '../local-cluster/s3-server.ts';
import { makeCandles } from './support/server-fixtures.ts';

const HOUR = 3_600_000;
const FM = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel' } as const;
const TR = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun' } as const;
// The replayed series ends now (its last candle is still open), as the trainer fetches up to the wall clock.
const START = Math.floor(Date.now() / HOUR) * HOUR - 600 * HOUR;

type Condition = { type: string; status: string; reason: string };
type FmStatus = { conditions?: Condition[]; endpoint?: string; model?: { version: string; uri: string; mase: number; skillVsNaive: number; directionalAccuracy: number } };
type RunStatus = { phase?: string; artifact?: { uri: string; sha256?: string }; metrics?: Record<string, number | null>; backend?: string; promoted?: boolean };

describe('operator end to end with the real trainer and inference server', () => {
  let s3: TestS3Server;
  let exchange: ExchangeReplayServer;
  let harness: ClusterHarness;

  beforeAll(async () => {
    s3 = await startS3Server({ bucket: 'artifacts' });
    exchange = await startExchangeReplayServer({ candles: makeCandles({ start: START, count: 601, seed: 5 }), timeframe: '1h', symbol: 'BTC/USDT' });
    harness = await startClusterHarness({
      // The exchange mirror stands in for the internet the pods would reach; everything else comes from the Pod spec.
      runtime: processRuntime({ extraEnv: { MUR_EXCHANGE_BASE_URL: exchange.url, MUR_BACKEND: 'wasm', EXCHANGE_BASE_URL: exchange.url, LOG_LEVEL: 'warn' } }),
      s3Secret: { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: s3.accessKey, S3_SECRET_ACCESS_KEY: s3.secretKey },
    });
    await harness.startOperator();
  });

  afterAll(async () => {
    await harness?.close();
    await exchange?.close();
    await s3?.close();
  });

  it('applies a ForecastModel and ends Ready, serving forecasts from the model it trained', async () => {
    await harness.apply({
      ...FM,
      metadata: { name: 'btc', namespace: harness.namespace },
      spec: {
        market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 400 },
        model: { window: 12, horizon: 3, units: 8, epochs: 2, batchSize: 32, seed: 7 },
        promotion: { policy: 'Always', metric: 'mase' },
      },
    } as KubeObject);

    const fm = await harness.waitFor(
      'btc Ready',
      async () => {
        const object = await harness.get(FM.apiVersion, FM.kind, 'btc');
        return (object as { status?: FmStatus } | undefined)?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? object : undefined;
      },
      150_000,
    );
    const status = (fm as { status: FmStatus }).status;
    const runName = status.model!.version;
    expect(status.endpoint).toBe(`http://btc-forecast.${harness.namespace}.svc.cluster.local`);
    expect(status.model!.uri).toBe(`s3://artifacts/${harness.namespace}/btc/${runName}/`);
    expect(Number.isFinite(status.model!.mase)).toBe(true);
    expect(status.conditions!.find((c) => c.type === 'Trained')).toMatchObject({ status: 'True', reason: 'RunSucceeded' });

    const run = (await harness.get(TR.apiVersion, TR.kind, runName)) as KubeObject & { status: RunStatus };
    expect(run.status).toMatchObject({ phase: 'Succeeded', promoted: true, backend: 'wasm', artifact: { uri: status.model!.uri } });
    expect(run.status.artifact!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.status.metrics!.mase).toBe(status.model!.mase);

    // Through the Service, as an in-cluster client would reach it.
    const endpoint = await harness.kubelet.serviceUrl(harness.namespace, 'btc-forecast', { timeoutMs: 60_000 });
    let latest: { status: number; body: unknown } | undefined;
    const unauthorised = await fetch(`${endpoint}/v1/forecast`);
    expect(unauthorised.status).toBe(401);
    // Ready means the model is loaded; the live candle feed fills a moment later.
    const body = await harness.waitFor(
      'a live forecast',
      () => {
        void fetch(`${endpoint}/v1/forecast`, { headers: { Authorization: `Bearer ${TEST_API_TOKEN}` } })
          .then(async (response) => (latest = { status: response.status, body: await response.json() }))
          .catch(() => undefined);
        return latest?.status === 200 ? (latest.body as { modelVersion: string; symbol: string; points: { median: number; lower: number; upper: number }[] }) : undefined;
      },
      30_000,
    );
    expect(body.modelVersion).toBe(runName);
    expect(body.symbol).toBe('BTC/USDT');
    expect(body.points).toHaveLength(3);
    for (const point of body.points) expect(point.lower).toBeLessThanOrEqual(point.upper);
  });

  it('deletes the runs, Job, Deployment, Service and the artifacts when the ForecastModel is deleted', async () => {
    const run = (await harness.list(TR.apiVersion, TR.kind))[0] as KubeObject & { status: RunStatus };
    const store = openArtifactStore(run.status.artifact!.uri, { s3: { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey } });
    expect(await store.exists('manifest.json')).toBe(true);

    await harness.remove('forecastmodels', 'btc');
    const kinds: [string, string][] = [[FM.apiVersion, FM.kind], [TR.apiVersion, TR.kind], ['batch/v1', 'Job'], ['v1', 'Pod'], ['apps/v1', 'Deployment'], ['v1', 'Service']];
    await harness.waitFor(
      'every owned object gone',
      async () => (await Promise.all(kinds.map(([apiVersion, kind]) => harness.list(apiVersion, kind)))).every((objects) => objects.length === 0),
      90_000,
    );
    // A pod that vanishes from the API (a terminal pod the API server removes itself) has its containers
    // stopped asynchronously by the kubelet, so the count may trail the API by a moment; none may stay.
    await harness.waitFor('no container left running', async () => harness.kubelet.running() === 0, 15_000);
    expect(await store.exists('manifest.json')).toBe(false);
    expect(await store.exists('model.onnx')).toBe(false);
  });
});
