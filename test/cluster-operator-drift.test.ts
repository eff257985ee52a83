/**
 * Retraining on drift on the real control plane with the real images' entrypoints. The real trainer learns a
 * calm market (its exchange mirror ends 150 candles ago); the real inference server, reading a mirror where the
 * market turned volatile right after that cutoff, scores the model's forecasts since the cutoff and its live
 * coverage collapses. The operator scrapes that record through the Service and starts one Drift TrainingRun with
 * an Event naming the figure and the bound, no second one within the cooldown (not after a restart either), and
 * the next one once the cooldown has passed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../core/candle.ts';
import { ANNOTATIONS } from '../operator/naming.ts';
import { processRuntime } from '../local-cluster/kubelet/process-runtime.ts';
import { startClusterHarness, type ClusterHarness, type KubeObject } from './support/cluster-harness.ts';
import { startExchangeReplayServer, type ExchangeReplayServer } from '../exchange-replay/exchange-replay-server.ts';
import { startS3Server, type TestS3Server } from '../local-cluster/s3-server.ts';
import { makeCandles } from './support/server-fixtures.ts';

const HOUR = 3_600_000;
const FM = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel' } as const;
const TR = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'TrainingRun' } as const;
/** Candles after the training cutoff: the live record scores the forecasts made at each of them. */
const AFTER_CUTOFF = 150;
/** How much wider each candle's moves are once the market turns. */
const VOLATILITY_FACTOR = 6;
const COVERAGE_BELOW = 0.5;
// The series ends now (its last candle still open), as the trainer and the server fetch up to the wall clock.
const START = Math.floor(Date.now() / HOUR) * HOUR - 900 * HOUR;

type Run = KubeObject & { spec: { reason: string }; status?: { phase?: string } };
type Event = { reason: string; type: string; message: string; involvedObject?: { kind?: string; name?: string } };

/** The same walk with every candle from `from` on moving `factor` times as far (log returns scaled), still well-formed. */
function turnVolatile(candles: readonly Candle[], from: number, factor: number): Candle[] {
  const out = candles.slice(0, from);
  let previousClose = out[out.length - 1]!.close;
  for (const candle of candles.slice(from)) {
    const scale = (price: number) => previousClose * (price / candle.open) ** factor;
    const open = previousClose;
    const close = scale(candle.close);
    const high = Math.max(scale(candle.high), open, close);
    const low = Math.min(scale(candle.low), open, close);
    out.push({ ...candle, open, high, low, close });
    previousClose = close;
  }
  return out;
}

describe('operator retraining when the live record degrades', () => {
  let s3: TestS3Server;
  let calmMirror: ExchangeReplayServer;
  let liveMirror: ExchangeReplayServer;
  let h: ClusterHarness;

  const driftRuns = async () => ((await h.list(TR.apiVersion, TR.kind)) as Run[]).filter((run) => run.spec.reason === 'Drift');
  const driftEvents = async () => ((await h.events()) as Event[]).filter((event) => event.reason === 'DriftDetected' && event.involvedObject?.name === 'btc');
  const scrapes = async (result: 'success' | 'error') => {
    const metric = await h.operator()!.metrics.liveRecordScrapes.get();
    return metric.values.filter((v) => v.labels.forecast_model === 'btc' && v.labels.result === result).reduce((sum, v) => sum + v.value, 0);
  };
  /** Wait for `rounds` more successful scrapes (each followed by a reconcile) by the running operator. */
  const moreScrapes = async (rounds: number) => {
    const before = await scrapes('success');
    await h.waitFor(`${rounds} more scrapes of the live record`, async () => (await scrapes('success')) >= before + rounds, 60_000);
    await h.operator()!.settled();
  };

  beforeAll(async () => {
    const walk = makeCandles({ start: START, count: 901, seed: 11 });
    const cutoffIndex = walk.length - 1 - AFTER_CUTOFF;
    s3 = await startS3Server({ bucket: 'artifacts' });
    // The trainer's mirror knows the calm past only; the server's sees the market turn right after it.
    calmMirror = await startExchangeReplayServer({ candles: walk.slice(0, cutoffIndex + 1), timeframe: '1h', symbol: 'BTC/USDT' });
    liveMirror = await startExchangeReplayServer({ candles: turnVolatile(walk, cutoffIndex + 1, VOLATILITY_FACTOR), timeframe: '1h', symbol: 'BTC/USDT' });
    h = await startClusterHarness({
      runtime: processRuntime({ extraEnv: { MUR_EXCHANGE_BASE_URL: calmMirror.url, EXCHANGE_BASE_URL: liveMirror.url, MUR_BACKEND: 'wasm', LOG_LEVEL: 'warn' } }),
      s3Secret: { S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: s3.accessKey, S3_SECRET_ACCESS_KEY: s3.secretKey },
      operatorEnv: { MUR_LIVE_SCRAPE_SECONDS: '1' },
    });
    await h.startOperator();
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all([calmMirror?.close(), liveMirror?.close(), s3?.close()]);
  });

  it('serves the model trained on the calm market', async () => {
    await h.apply({
      ...FM,
      metadata: { name: 'btc', namespace: h.namespace },
      spec: {
        market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 600 },
        model: { window: 12, horizon: 3, units: 8, epochs: 2, batchSize: 32, seed: 7 },
        // The first model is approved by hand; later ones wait for approval, so the drifting model keeps serving.
        promotion: { policy: 'Manual', metric: 'mase' },
        training: { retrainWhen: { coverageBelow: COVERAGE_BELOW, minSamples: 50, cooldown: '24h' } },
      },
    } as KubeObject);
    const initial = await h.waitFor('the Initial run succeeded', async () => ((await h.list(TR.apiVersion, TR.kind)) as Run[]).find((r) => r.spec.reason === 'Initial' && r.status?.phase === 'Succeeded'), 150_000);
    // Nothing is served before the approval, so there is no live record to drift.
    expect(await driftRuns()).toEqual([]);
    await h.admin.patch(`/apis/${TR.apiVersion}/namespaces/${h.namespace}/trainingruns/${initial.metadata.name}`, { metadata: { annotations: { [ANNOTATIONS.promote]: 'true' } } }, 'merge');
    await h.waitFor(
      'btc Ready',
      async () => ((await h.get(FM.apiVersion, FM.kind, 'btc')) as { status?: { conditions?: { type: string; status: string }[] } } | undefined)?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      90_000,
    );
  });

  it('starts one Drift run when live coverage falls below the bound, with an Event naming figure and bound', async () => {
    const [run] = await h.waitFor('a Drift TrainingRun', async () => {
      const runs = await driftRuns();
      return runs.length > 0 ? runs : undefined;
    }, 120_000);
    const events = await h.waitFor('the DriftDetected Event', async () => {
      const found = await driftEvents();
      return found.length > 0 ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('Warning');
    const message = events[0]!.message;
    expect(message).toMatch(new RegExp(`^live coverage (0\\.\\d+|0) \\(nominal 0\\.8\\) over \\d+ samples is below retrainWhen\\.coverageBelow ${COVERAGE_BELOW}; retraining as TrainingRun ${run!.metadata.name}$`));
    const [, coverage, samples] = /^live coverage ([\d.]+) .* over (\d+) samples/.exec(message)!;
    expect(Number(coverage)).toBeLessThan(COVERAGE_BELOW);
    expect(Number(samples)).toBeGreaterThanOrEqual(50);
    expect(Number(samples)).toBeLessThanOrEqual(AFTER_CUTOFF);

    const fm = (await h.get(FM.apiVersion, FM.kind, 'btc')) as { status: { lastDriftAt?: string; model: { version: string } } };
    expect(fm.status.lastDriftAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const counted = await h.operator()!.metrics.driftTrainingRuns.get();
    expect(counted.values.find((v) => v.labels.forecast_model === 'btc')?.value).toBe(1);
  });

  it('starts no second Drift run within the cooldown, also after the operator restarts', async () => {
    await h.waitFor('the Drift run finished', async () => (await driftRuns())[0]?.status?.phase === 'Succeeded' || (await driftRuns())[0]?.status?.phase === 'Failed', 150_000);
    // The served model is still the drifting one: the new model awaits approval.
    const fm = (await h.get(FM.apiVersion, FM.kind, 'btc')) as { status: { model: { trainingRun: string } } };
    expect((await driftRuns()).map((r) => r.metadata.name)).not.toContain(fm.status.model.trainingRun);
    await moreScrapes(3);
    expect(await driftRuns()).toHaveLength(1);

    // A new process knows nothing but what status and the runs say.
    await h.stopOperator();
    await h.startOperator('operator-after-restart');
    await moreScrapes(3);
    expect(await driftRuns()).toHaveLength(1);
    expect(await driftEvents()).toHaveLength(1);
    expect(await scrapes('error')).toBe(0);
  });

  it('starts the next Drift run once the cooldown has passed', async () => {
    const [first] = await driftRuns();
    h.clock.advance(24 * HOUR + 60_000);
    const runs = await h.waitFor('a second Drift TrainingRun', async () => {
      const found = await driftRuns();
      return found.length === 2 ? found : undefined;
    }, 60_000);
    expect(runs.map((r) => r.metadata.name)).toContain(first!.metadata.name);
    await h.waitFor('a second DriftDetected Event', async () => (await driftEvents()).length === 2);
  });
});
