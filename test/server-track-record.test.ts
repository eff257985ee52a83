// The live track record end to end: the real service on loopback, its artifact in a folder, candles from the
// exchange replay server. Nothing is scored while no candle after the training cutoff has closed; then
// GET /v1/track-record and /metrics show the same figures, and each forecast is the one POST /v1/forecast
// gives for the same candles.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intervalCoverage, meanAbsoluteError } from '../core/forecast-metrics.ts';
import { FileArtifactStore } from '../core/storage/file-artifact-store.ts';
import { parseServerConfig } from '../server-image/src/config.ts';
import { createLogger } from '../server-image/src/logger.ts';
import { startInferenceService, type InferenceService } from '../server-image/src/service.ts';
import { startExchangeReplayServer, type ExchangeReplayServer } from '../exchange-replay/exchange-replay-server.ts';
import { makeCandles, makeModelArtifact, writeModelArtifact } from './support/server-fixtures.ts';
import { logCollector, manualClock } from './support/server-harness.ts';

const HOUR = 3_600_000;
const WINDOW = 12;
const HORIZON = 4;
const TOKEN = 'track-record-token-0123456789';
const artifact = makeModelArtifact({ window: WINDOW, horizon: HORIZON, units: 8, seed: 5 });
/** The manifest's data.to: the open time of the last candle the model was trained on. */
const CUTOFF = Date.parse(artifact.manifest.data.to);
/** Candles from 40 h before the cutoff candle to 39 h after it. */
const candles = makeCandles({ start: CUTOFF - 40 * HOUR, count: 80, seed: 12 });
const indexOf = (time: number) => (time - candles[0]!.time) / HOUR;
const clock = manualClock(CUTOFF + HOUR + 2_500);
const auth = { Authorization: `Bearer ${TOKEN}` };

let exchange: ExchangeReplayServer;
let service: InferenceService;
let workDir: string;
let url: string;

const get = async (path: string, headers: Record<string, string> = auth) => fetch(`${url}${path}`, { headers });
const trackRecord = async () => (await get('/v1/track-record')).json() as Promise<any>;
const metrics = async () => (await get('/metrics', {})).text();
const gauge = (text: string, name: string, step: string) => Number(new RegExp(`^${name}\\{step="${step}"\\} (\\S+)$`, 'm').exec(text)?.[1]);

/** Move the service's clock and the exchange's "now" together, poll, and wait for the scoring it starts. */
async function advanceTo(ms: number): Promise<void> {
  clock.set(ms);
  exchange.setNow(ms);
  await service.state.liveFeed()!.poll();
  await service.state.trackRecord()!.idle();
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mur-track-record-'));
  const store = new FileArtifactStore(`file://${join(workDir, 'artifact')}/`);
  await writeModelArtifact(store, artifact);
  await writeFile(join(workDir, 'reader'), TOKEN);
  exchange = await startExchangeReplayServer({ candles, timeframe: '1h', symbol: 'BTC/USDT', now: clock.now() });
  const config = parseServerConfig({ MODEL_URI: store.baseUri, HOST: '127.0.0.1', PORT: '0', TOKEN_DIR: workDir, EXCHANGE_BASE_URL: exchange.url, TRACK_RECORD_DAYS: '30' });
  service = await startInferenceService({ config, logger: createLogger('silent', logCollector().stream), serverVersion: '0.0.0-it', clock });
  url = `http://127.0.0.1:${service.port}`;
  expect((await service.modelLoaded).state).toBe('ready');
  // The feed's first poll is under way: joining it and the scoring it starts.
  await service.state.liveFeed()!.poll();
  await service.state.trackRecord()!.idle();
});
afterAll(async () => {
  await service?.shutdown(1_000);
  await exchange?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('GET /v1/track-record and the mur_live_* gauges', () => {
  it('needs a token, like /v1/model', async () => {
    expect((await get('/v1/track-record', {})).status).toBe(401);
  });

  it('scores nothing while the newest closed candle is the cutoff candle itself', async () => {
    const body = await trackRecord();
    expect(body).toMatchObject({ modelVersion: artifact.manifest.version, trainingCutoff: artifact.manifest.data.to, maxDays: 30, scored: { from: null, to: null }, forecasts: [] });
    expect(body.steps.map((s: { samples: number }) => s.samples)).toEqual([0, 0, 0, 0]);
    expect(body.overall).toEqual({ step: 'all', samples: 0, mase: null, mae: null, coverage: null, winkler: null, directionalAccuracy: null });
    const text = await metrics();
    expect(gauge(text, 'mur_live_scored_samples', '1')).toBe(0);
    expect(gauge(text, 'mur_live_scored_samples', 'all')).toBe(0);
    expect(text).not.toMatch(/^mur_live_(mase|coverage|winkler)\{/m);
    expect(text).toMatch(/^mur_live_nominal_coverage 0.8$/m);
  });

  it('scores the forecasts of the candles after the cutoff once they have closed, the same in JSON and /metrics', async () => {
    // Nine candles after the cutoff candle have closed: origins 1 h … 9 h after it; step s has 9 − s outcomes.
    await advanceTo(CUTOFF + 10 * HOUR + 2_500);
    const body = await trackRecord();
    expect(body.steps.map((s: { samples: number }) => s.samples)).toEqual([8, 7, 6, 5]);
    expect(body.overall.samples).toBe(5);
    expect(body.scored).toEqual({ from: CUTOFF + 2 * HOUR, to: CUTOFF + 10 * HOUR });
    const text = await metrics();
    for (const score of [...body.steps, body.overall]) {
      const step = String(score.step);
      expect(gauge(text, 'mur_live_scored_samples', step)).toBe(score.samples);
      expect(gauge(text, 'mur_live_mase', step)).toBe(score.mase);
      expect(gauge(text, 'mur_live_coverage', step)).toBe(score.coverage);
      expect(gauge(text, 'mur_live_winkler', step)).toBe(score.winkler);
    }
  });

  it('scores exactly the forecasts POST /v1/forecast gives for the same candles', async () => {
    const body = await trackRecord();
    const posted: Array<{ anchor: number; actual: number; step1: { median: number; lower: number; upper: number } }> = [];
    for (const point of body.forecasts) {
      // The forecast for the candle closing at `time` was made from the candles up to the one before it.
      const origin = indexOf(point.time - 2 * HOUR);
      const response = await fetch(`${url}/v1/forecast`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ candles: candles.slice(origin - WINDOW, origin + 1) }) });
      posted.push({ anchor: candles[origin]!.close, actual: candles[origin + 1]!.close, step1: ((await response.json()) as { points: Array<{ median: number; lower: number; upper: number }> }).points[0]! });
    }
    expect(body.forecasts.map((p: { actual: number }) => p.actual)).toEqual(posted.map((p) => p.actual));
    body.forecasts.forEach((point: { median: number; lower: number; upper: number }, i: number) => {
      expect(point.median).toBeCloseTo(posted[i]!.step1.median, 9);
      expect(point.lower).toBeCloseTo(Math.min(posted[i]!.step1.lower, posted[i]!.step1.upper), 9);
      expect(point.upper).toBeCloseTo(Math.max(posted[i]!.step1.lower, posted[i]!.step1.upper), 9);
    });
    const actual = posted.map((p) => p.actual);
    const mae = meanAbsoluteError(posted.map((p) => p.step1.median), actual);
    expect(body.steps[0].mase).toBeCloseTo(mae / meanAbsoluteError(posted.map((p) => p.anchor), actual), 9);
    expect(body.steps[0].coverage).toBeCloseTo(intervalCoverage(body.forecasts.map((p: { lower: number }) => p.lower), body.forecasts.map((p: { upper: number }) => p.upper), actual), 12);
  });

  it('adds the new forecast and outcomes when the next candle closes', async () => {
    await advanceTo(CUTOFF + 11 * HOUR + 2_500);
    const body = await trackRecord();
    expect(body.steps.map((s: { samples: number }) => s.samples)).toEqual([9, 8, 7, 6]);
    expect(body.forecasts).toHaveLength(9);
    expect(body.scored.to).toBe(CUTOFF + 11 * HOUR);
    expect(gauge(await metrics(), 'mur_live_scored_samples', 'all')).toBe(6);
  });
});
