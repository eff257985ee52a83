import { createHash } from 'node:crypto';
import type { ArtifactStore } from '../../core/artifact-store.ts';
import type { Candle } from '../../core/candle.ts';
import { FEATURE_COUNT } from '../../core/features.ts';
import type { ArtifactManifest } from '../../core/manifest.ts';
import type { QuantileLstmWeights } from '../../core/model-weights.ts';
import { writeArtifact } from '../../core/storage/artifact-io.ts';
import { timeframeMs } from '../../core/timeframe.ts';
import { exportQuantileLstmToOnnx } from '../../trainer-image/src/export/onnx-export.ts';
import { randomQuantileLstmWeights, seededUniform } from '../../trainer-image/src/export/test-support/random-quantile-lstm.ts';
import { makeManifest } from './manifest-fixture.ts';

/** Shape of a test model artifact; everything has a small default. */
export interface ModelArtifactShape {
  readonly window?: number;
  readonly horizon?: number;
  readonly units?: number;
  readonly layers?: number;
  readonly quantiles?: readonly number[];
  readonly timeframe?: '1m' | '5m' | '15m' | '1h' | '4h' | '1d';
  readonly symbol?: string;
  readonly version?: string;
  readonly seed?: number;
}

/** A real ONNX model (random weights, exported by the trainer's exporter) and a manifest describing it. */
export interface ModelArtifact {
  readonly manifest: ArtifactManifest;
  readonly modelOnnx: Uint8Array;
  readonly weights: QuantileLstmWeights;
}

/**
 * Build a servable artifact: random LSTM weights with small target scales (so forecast prices stay within a
 * few percent of the last close, like a real model's), exported to ONNX, and a manifest whose window,
 * horizon, quantiles, io shapes and sha256 match it.
 */
export function makeModelArtifact(shape: ModelArtifactShape = {}): ModelArtifact {
  const window = shape.window ?? 12;
  const horizon = shape.horizon ?? 4;
  const units = shape.units ?? 8;
  const layers = shape.layers ?? 1;
  const quantiles = shape.quantiles ?? [0.1, 0.5, 0.9];
  const random = randomQuantileLstmWeights({ inputSize: FEATURE_COUNT, units, window, horizon, layers, quantiles }, shape.seed ?? 7);
  const weights: QuantileLstmWeights = { ...random, targetScale: random.targetScale.map((scale) => scale * 0.01) };
  const modelOnnx = exportQuantileLstmToOnnx(weights, { producerVersion: 'test' });
  const base = makeManifest();
  const manifest = makeManifest({
    version: shape.version ?? 'test-run-1',
    market: { ...base.market, symbol: shape.symbol ?? base.market.symbol, timeframe: (shape.timeframe ?? '1h') as ArtifactManifest['market']['timeframe'] },
    model: { ...base.model, window, horizon, units, layers, quantiles: [...quantiles] },
    window,
    horizon,
    quantiles: [...quantiles],
    normalisation: { inGraph: true, featureMean: [...weights.featureMean], featureStd: [...weights.featureStd], targetScale: [...weights.targetScale] },
    io: { input: 'features', output: 'quantiles', inputShape: ['batch', window, FEATURE_COUNT], outputShape: ['batch', horizon, quantiles.length] },
    modelSha256: createHash('sha256').update(modelOnnx).digest('hex'),
    modelBytes: modelOnnx.byteLength,
  });
  return { manifest, modelOnnx, weights };
}

/** Write the artifact the way the trainer does (model.onnx, backtest.json, manifest.json last). */
export async function writeModelArtifact(store: ArtifactStore, artifact: ModelArtifact): Promise<void> {
  await writeArtifact(store, { manifest: artifact.manifest, modelOnnx: artifact.modelOnnx, backtest: { note: 'test artifact' } });
}

/** Options of {@link makeCandles}. */
export interface CandleSeriesOptions {
  /** Open time of the first candle (on the timeframe grid). */
  readonly start: number;
  readonly count: number;
  readonly timeframe?: string;
  readonly startPrice?: number;
  readonly seed?: number;
}

/**
 * A seeded random walk of consecutive, well-formed candles (high ≥ open, close ≥ low, positive volume),
 * with prices on a 0.01 tick and volumes on a 0.00001 lot like Binance's BTC/USDT, so request bodies
 * have realistic sizes.
 */
export function makeCandles(options: CandleSeriesOptions): Candle[] {
  const stepMs = timeframeMs(options.timeframe ?? '1h');
  const uniform = seededUniform(options.seed ?? 1);
  const tick = (value: number) => Math.round(value * 100) / 100;
  const candles: Candle[] = [];
  let price = options.startPrice ?? 30_000;
  for (let i = 0; i < options.count; i++) {
    const open = tick(price);
    const close = tick(open * Math.exp(uniform(-0.01, 0.01)));
    const high = tick(Math.max(open, close) * (1 + uniform(0, 0.004)));
    const low = tick(Math.min(open, close) * (1 - uniform(0, 0.004)));
    const volume = Math.round(uniform(10, 200) * 1e5) / 1e5;
    candles.push({ time: options.start + i * stepMs, open, high: Math.max(high, open, close), low: Math.min(low, open, close), close, volume });
    price = close;
  }
  return candles;
}
