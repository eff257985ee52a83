import * as ort from 'onnxruntime-node';
import type { Comparison } from '../../../core/backtest.ts';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME, type ArtifactManifest } from '../../../core/manifest.ts';
import { absoluteErrors, compareLosses } from './comparisons.ts';
import { modelSeries, perStep } from './forecast-series.ts';
import type { BacktestFoldInput } from './run-backtest.ts';

/** The model being served: its manifest and model.onnx, read from its artifact. */
export interface ServedModel {
  readonly manifest: ArtifactManifest;
  readonly modelOnnx: Uint8Array;
}

/** The Diebold–Mariano comparison with the served model, or why there is none. */
export type ServedModelComparison = { readonly comparison: Comparison; readonly samples: number } | { readonly skipped: string };

/**
 * Test the candidate's median against the served model's on the same samples: the candidate's test blocks,
 * restricted to forecasts anchored after the served model's last training candle, so neither model has
 * seen them (the served model was trained on data that may reach into the candidate's earlier blocks).
 * The served model runs in onnxruntime exactly as the server runs it. It must share window and horizon
 * (its windows are the candidate's); otherwise, or with too few unseen samples, there is no test.
 */
export async function compareWithServedModel(folds: readonly BacktestFoldInput[], quantiles: readonly number[], served: ServedModel): Promise<ServedModelComparison> {
  const first = folds[0];
  if (!first) throw new RangeError('no folds to compare the served model on');
  const { window, horizon, stepMs } = first.dataset;
  const { manifest } = served;
  if (manifest.window !== window || manifest.horizon !== horizon) {
    return { skipped: `the served model ${manifest.version} has window ${manifest.window} and horizon ${manifest.horizon}, the candidate ${window} and ${horizon}` };
  }
  const seenUntil = Date.parse(manifest.data.to);
  const session = await ort.InferenceSession.create(served.modelOnnx, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const candidateMedian: number[][] = Array.from({ length: horizon }, () => []);
  const servedMedian: number[][] = Array.from({ length: horizon }, () => []);
  const actual: number[][] = Array.from({ length: horizon }, () => []);
  try {
    for (const fold of folds) {
      const samples = fold.dataset.test.samples;
      // The first target of an unseen forecast lies after the served model's last candle.
      const keep = samples.map((s, i) => (s.anchorTime + stepMs > seenUntil ? i : -1)).filter((i) => i >= 0);
      if (keep.length === 0) continue;
      const perWindow = samples[0]!.features.length;
      const rawX = new Float32Array(keep.length * perWindow);
      keep.forEach((i, k) => rawX.set(samples[i]!.features, k * perWindow));
      const output = await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('float32', rawX, [keep.length, window, perWindow / window]) });
      const servedPredictions = output[ONNX_OUTPUT_NAME]!.data as Float32Array;
      const kept = keep.map((i) => samples[i]!);
      const served = modelSeries(servedPredictions, kept, horizon, manifest.quantiles);
      const candidatePredictions = new Float32Array(keep.length * horizon * quantiles.length);
      const perForecast = horizon * quantiles.length;
      keep.forEach((i, k) => candidatePredictions.set(fold.predictions.subarray(i * perForecast, (i + 1) * perForecast), k * perForecast));
      const candidate = modelSeries(candidatePredictions, kept, horizon, quantiles);
      for (let h = 0; h < horizon; h++) {
        candidateMedian[h]!.push(...candidate.point[h]!);
        servedMedian[h]!.push(...served.point[h]!);
        actual[h]!.push(...kept.map((s) => s.targetCloses[h]!));
      }
    }
  } finally {
    await session.release();
  }
  const n = actual[0]!.length;
  // The HLN correction needs n + 1 − 2h + h(h − 1)/n > 0; four horizons of samples keep the test meaningful.
  if (n < 4 * horizon) return { skipped: `only ${n} test forecasts lie after the served model's training data (${manifest.data.to}); the test needs ${4 * horizon}` };
  const outcomes = perStep(horizon, n, (h, i) => actual[h]![i]!);
  const point = (values: number[][]) => ({ point: perStep(horizon, n, (h, i) => values[h]![i]!), interval: null, fallbackSteps: 0 });
  const comparison = compareLosses(absoluteErrors(point(candidateMedian), outcomes), absoluteErrors(point(servedMedian), outcomes), manifest.version);
  return { comparison, samples: n };
}
