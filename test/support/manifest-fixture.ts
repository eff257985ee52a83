import { createHash } from 'node:crypto';
import { FEATURE_NAMES, FEATURE_SPEC_VERSION } from '../../core/features.ts';
import { parseTrainingSpec } from '../../core/spec.ts';
import { MANIFEST_SCHEMA_VERSION, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME, type ArtifactManifest, type HeadlineMetrics } from '../../core/manifest.ts';

/** Stand-in model.onnx bytes that the default manifest's modelSha256 and modelBytes describe. */
export const FIXTURE_MODEL_ONNX: Uint8Array = new TextEncoder().encode('fixture model.onnx bytes for artifact tests');

const metrics = (mae: number, mase: number): HeadlineMetrics => ({
  mae,
  mase,
  maseStep1: mase,
  directionalAccuracy: 0.52,
  coverage: 0.79,
  winkler: 412.5,
});

/**
 * A valid ArtifactManifest for a BTC/USDT 1h model with window 72, horizon 24 and quantiles 0.1/0.5/0.9,
 * describing FIXTURE_MODEL_ONNX; `overrides` replace top-level fields.
 */
export function makeManifest(overrides: Partial<ArtifactManifest> = {}): ArtifactManifest {
  // Built through the real spec parser so market and model carry every default the schema requires.
  const spec = structuredClone(
    parseTrainingSpec({ market: { exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', lookback: 8760 }, model: { window: 72, horizon: 24 } }),
  );
  const quantiles = [...spec.model.quantiles];
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    featureSpecVersion: FEATURE_SPEC_VERSION,
    version: 'btc-usdt-run-1',
    createdAt: '2025-03-01T12:00:00.000Z',
    market: spec.market,
    model: spec.model,
    window: 72,
    horizon: 24,
    quantiles,
    features: [...FEATURE_NAMES],
    normalisation: {
      inGraph: true,
      featureMean: FEATURE_NAMES.map(() => 0),
      featureStd: FEATURE_NAMES.map(() => 1),
      targetScale: [0.01],
    },
    io: {
      input: ONNX_INPUT_NAME,
      output: ONNX_OUTPUT_NAME,
      inputShape: ['batch', 72, FEATURE_NAMES.length],
      outputShape: ['batch', 24, quantiles.length],
    },
    data: {
      from: '2024-03-01T00:00:00.000Z',
      to: '2025-03-01T00:00:00.000Z',
      candles: 8760,
      gaps: 0,
      train: { from: '2024-03-01T00:00:00.000Z', to: '2024-11-13T00:00:00.000Z', samples: 6035 },
      validation: { from: '2024-11-13T00:00:00.000Z', to: '2025-01-05T00:00:00.000Z', samples: 1293 },
      test: { from: '2025-01-05T00:00:00.000Z', to: '2025-03-01T00:00:00.000Z', samples: 1293 },
    },
    metrics: {
      model: metrics(310.2, 0.97),
      baselines: { naive: metrics(320, 1) },
      skillVsNaive: 0.03,
      intervalLevel: 0.8,
      verdict: 'model beats naive persistence by 3% MAE',
    },
    training: { backend: 'wasm', epochs: 30, bestEpoch: 21, seconds: 95.5, samplesPerSecond: 1900, finalLoss: 0.42, bestValLoss: 0.45 },
    trainer: { version: '0.1.0' },
    modelSha256: createHash('sha256').update(FIXTURE_MODEL_ONNX).digest('hex'),
    modelBytes: FIXTURE_MODEL_ONNX.byteLength,
    ...overrides,
  };
}
