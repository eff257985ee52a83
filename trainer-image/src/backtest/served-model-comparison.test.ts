import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { FEATURE_COUNT } from '../../../core/features.ts';
import type { ArtifactManifest } from '../../../core/manifest.ts';
import { buildDataset } from '../dataset/build-dataset.ts';
import { exportQuantileLstmToOnnx } from '../export/onnx-export.ts';
import { randomQuantileLstmWeights } from '../export/test-support/random-quantile-lstm.ts';
import { buildRollingOrigins } from './rolling-origins.ts';
import type { BacktestFoldInput } from './run-backtest.ts';
import { compareWithServedModel, type ServedModel } from './served-model-comparison.ts';

const HOUR = 3_600_000;
const QUANTILES = [0.1, 0.5, 0.9];
const FRACTIONS = { validationFraction: 0.15, testFraction: 0.2 };
const candles: Candle[] = Array.from({ length: 600 }, (_, k) => {
  const close = 100 * Math.exp(0.02 * Math.sin(k / 5) + 0.01 * Math.sin(k * 1.7));
  return { time: k * HOUR, open: close, high: close * 1.01, low: close * 0.99, close, volume: 10 + (k % 4) };
});
const folds = buildRollingOrigins(buildDataset(candles, { timeframe: '1h', window: 8, horizon: 3, ...FRACTIONS }), FRACTIONS);
const weights = {
  ...randomQuantileLstmWeights({ inputSize: FEATURE_COUNT, units: 4, window: 8, horizon: 3, layers: 1, quantiles: QUANTILES }, 5),
  featureMean: folds[0]!.dataset.normalisation.featureMean,
  featureStd: folds[0]!.dataset.normalisation.featureStd,
  targetScale: [0.01, 0.01, 0.01],
};
const modelOnnx = exportQuantileLstmToOnnx(weights, { producerVersion: 'test' });

/** The served model's manifest fields the comparison reads; `trainedTo` is its last training candle. */
function served(trainedTo: number, window = 8): ServedModel {
  return { modelOnnx, manifest: { version: 'btc-1', window, horizon: 3, quantiles: QUANTILES, data: { to: new Date(trainedTo).toISOString() } } as unknown as ArtifactManifest };
}

/** Fold inputs whose predictions are the served model's own (onnxruntime), or a model that knows the future. */
async function candidate(knowsTheFuture: boolean): Promise<BacktestFoldInput[]> {
  const session = await ort.InferenceSession.create(modelOnnx);
  try {
    return await Promise.all(
      folds.map(async ({ dataset }) => {
        const n = dataset.test.samples.length;
        let predictions: Float32Array;
        if (knowsTheFuture) {
          predictions = Float32Array.from({ length: n * 9 }, (_, k) => dataset.test.samples[Math.floor(k / 9)]!.targetLogReturns[Math.floor(k / 3) % 3]! + 0.01 * ((k % 3) - 1));
        } else {
          const output = await session.run({ features: new ort.Tensor('float32', dataset.test.rawX, [n, 8, FEATURE_COUNT]) });
          predictions = output.quantiles!.data as Float32Array;
        }
        return { dataset, predictions, trainingSeconds: 1 };
      }),
    );
  } finally {
    await session.release();
  }
}

describe('compareWithServedModel', () => {
  const firstTest = folds[0]!.dataset.test.samples[0]!.anchorTime;

  it('calls the served model against itself a tie, on every unseen forecast', async () => {
    const result = await compareWithServedModel(await candidate(false), QUANTILES, served(0));
    if ('skipped' in result) throw new Error(result.skipped);
    expect(result.samples).toBe(folds.reduce((sum, f) => sum + f.dataset.test.samples.length, 0));
    expect(result.comparison.overall).toMatchObject({ against: 'btc-1', pValue: 1, verdict: 'no evidence of skill vs btc-1 (p = 1)' });
  });

  it('finds a candidate that knows the future better than the served model', async () => {
    const result = await compareWithServedModel(await candidate(true), QUANTILES, served(0));
    if ('skipped' in result) throw new Error(result.skipped);
    expect(result.comparison.overall.verdict).toBe('beats btc-1 (p < 0.001)');
  });

  it('scores only forecasts after the served model’s training data', async () => {
    // Trained up to the candle of the 40th test anchor: forecasts from it onward target unseen closes, the 39 before it do not.
    const result = await compareWithServedModel(await candidate(false), QUANTILES, served(firstTest + 39 * HOUR));
    if ('skipped' in result) throw new Error(result.skipped);
    expect(result.samples).toBe(folds.reduce((sum, f) => sum + f.dataset.test.samples.length, 0) - 39);
  });

  it('gives no test for a served model of another window or with too few unseen forecasts', async () => {
    expect(await compareWithServedModel(await candidate(false), QUANTILES, served(0, 12))).toEqual({
      skipped: 'the served model btc-1 has window 12 and horizon 3, the candidate 8 and 3',
    });
    const late = folds[3]!.dataset.test.samples.at(-5)!.anchorTime;
    expect(await compareWithServedModel(await candidate(false), QUANTILES, served(late))).toMatchObject({ skipped: expect.stringMatching(/^only 5 test forecasts lie after .*; the test needs 12$/) });
  });
});
