// A real inference service on loopback for the dashboard's tests: the server image's app around a real ONNX
// model and token files (test/support/server-harness.ts), listening on 127.0.0.1 port 0.
import type { ArtifactManifest } from '../../core/manifest.ts';
import { startHttpServer, type RunningHttpServer } from '../../server-image/src/http-server.ts';
import { makeCandles, makeModelArtifact, type ModelArtifact } from './server-fixtures.ts';
import { manualClock, startTestServing, type TestServing } from './server-harness.ts';

/** A listening inference service and the token it accepts. */
export interface InferenceUpstream {
  readonly url: string;
  readonly token: string;
  readonly serving: TestServing;
  readonly artifact: ModelArtifact;
  close(): Promise<void>;
}

/** Options of {@link startInferenceUpstream}. */
export interface InferenceUpstreamOptions {
  /** Serve candles (default) or start without a live feed, so GET /v1/forecast answers 503. */
  readonly withFeed?: boolean;
  readonly window?: number;
  readonly horizon?: number;
  /** Model version the manifest and the forecasts carry (default `btc-usdt-run-7`). */
  readonly version?: string;
  /** Pair the model forecasts (default `BTC/USDT`). */
  readonly symbol?: string;
}

const HOUR = 3_600_000;
/** Open time of the first candle of the test series. */
export const UPSTREAM_T0 = Date.UTC(2025, 2, 3);
/** Candles in the test series. */
export const UPSTREAM_CANDLES = 120;
/** The token the upstream accepts. */
export const UPSTREAM_TOKEN = 'dashboard-token-0123456789abcdef';

/**
 * The metrics a trainer writes: the model, naive persistence (MASE exactly 1, no interval), seasonal naive and
 * drift, with the verdict line. Values are fixed so the page's table can be checked cell by cell.
 */
export const UPSTREAM_METRICS: ArtifactManifest['metrics'] = {
  model: { mae: 41.237, mase: 0.9712, maseStep1: 0.95, directionalAccuracy: 0.5316, coverage: 0.7841, winkler: 212.5 },
  baselines: {
    naive: { mae: 42.46, mase: 1, maseStep1: 1, directionalAccuracy: 0.4987, coverage: null, winkler: null },
    seasonalNaive: { mae: 55.1, mase: 1.2977, maseStep1: 1.31, directionalAccuracy: 0.4902, coverage: null, winkler: null },
    drift: { mae: 43.9, mase: 1.0339, maseStep1: 1.02, directionalAccuracy: 0.5044, coverage: null, winkler: null },
  },
  skillVsNaive: 0.0288,
  intervalLevel: 0.8,
  verdict: 'the model beats naive persistence by 2.9% MAE over 12 steps',
};

/** Start the inference service for BTC/USDT 1h (or `symbol`); 120 hourly candles have closed 5 s before its clock's now. */
export async function startInferenceUpstream(options: InferenceUpstreamOptions = {}): Promise<InferenceUpstream> {
  const base = makeModelArtifact({ window: options.window ?? 48, horizon: options.horizon ?? 12, units: 8, version: options.version ?? 'btc-usdt-run-7', ...(options.symbol ? { symbol: options.symbol } : {}) });
  const artifact: ModelArtifact = { ...base, manifest: { ...base.manifest, metrics: UPSTREAM_METRICS } };
  const clock = manualClock(UPSTREAM_T0 + UPSTREAM_CANDLES * HOUR + 5_000);
  const candles = makeCandles({ start: UPSTREAM_T0, count: UPSTREAM_CANDLES, startPrice: 64_000 });
  const serving = await startTestServing({
    artifact,
    clock,
    tokens: { dashboard: UPSTREAM_TOKEN },
    ...(options.withFeed === false ? {} : { feedCandles: candles }),
  });
  let http: RunningHttpServer;
  try {
    http = await startHttpServer({ app: serving.app, host: '127.0.0.1', port: 0 });
  } catch (error) {
    await serving.close();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${http.port}`,
    token: UPSTREAM_TOKEN,
    serving,
    artifact,
    async close() {
      await http.drain(1_000);
      await serving.close();
    },
  };
}
