import { createHash } from 'node:crypto';
import type { ArtifactStore } from '../../../core/artifact-store.ts';
import type { Logger } from '../../../core/logger.ts';
import { ARTIFACT_FILES, type RunSummary } from '../../../core/manifest.ts';
import type { QuantileLstmWeights } from '../../../core/model-weights.ts';
import type { TrainingSpec } from '../../../core/spec.ts';
import { writeArtifact } from '../../../core/storage/artifact-io.ts';
import { runBacktest, summariseBacktest } from '../backtest/index.ts';
import type { CandleSource } from '../candles/index.ts';
import type { EpochProgress, ProgressReporter } from '../cli/progress.ts';
import { buildDataset, type Dataset } from '../dataset/index.ts';
import { exportQuantileLstmToOnnx } from '../export/onnx-export.ts';
import { checkOnnxParity } from '../export/onnx-parity.ts';
import { applyForecastCalibration, fitForecastCalibration, type ForecastCalibration } from '../calibration/calibrate-forecast.ts';
import { buildManifest, type TrainingFacts } from './build-manifest.ts';

/** Maximum element-wise difference allowed between TensorFlow.js and onnxruntime on the test windows. */
export const ONNX_PARITY_TOLERANCE = 1e-4;

/** The trained model as the pipeline needs it, whatever framework produced it. */
export interface TrainedForecaster {
  readonly weights: QuantileLstmWeights;
  readonly facts: TrainingFacts;
}

/** Trains the forecaster and predicts with it; the TensorFlow.js implementation is the production one. */
export interface ForecasterTrainer {
  train(dataset: Dataset, spec: Readonly<TrainingSpec>, onEpoch: (progress: EpochProgress) => void): Promise<TrainedForecaster>;
  /** Final forecasts (unscaled cumulative log-returns, [n, horizon, Q]) for raw feature windows [n, window, F]. */
  predict(weights: QuantileLstmWeights, rawX: Float32Array, samples: number): Promise<Float32Array>;
}

/** What one training run needs besides its configuration. */
export interface TrainingRunDeps {
  readonly log: Logger;
  readonly source: CandleSource;
  readonly store: ArtifactStore;
  readonly trainer: ForecasterTrainer;
  readonly progress: ProgressReporter;
  readonly now: () => Date;
  readonly trainerVersion: string;
}

/** Input of one training run. */
export interface TrainingRunInput {
  readonly spec: Readonly<TrainingSpec>;
  readonly version: string;
}

/**
 * fetch → features → train → calibrate on validation → backtest → export ONNX → parity check → upload. Throws on any failure;
 * because manifest.json is written last, a failed run never leaves something that looks like a model.
 */
export async function runTraining(input: TrainingRunInput, deps: TrainingRunDeps): Promise<RunSummary> {
  const { spec } = input;
  const { log } = deps;
  const started = deps.now();

  // Check the destination before spending minutes of training: unreachable storage fails fast, and a run
  // folder that already holds a finished model is never overwritten (a model version is immutable).
  if (await deps.store.exists(ARTIFACT_FILES.manifest)) {
    throw new Error(`${deps.store.baseUri} already holds a finished model (manifest.json); use a new artifact location for a new run`);
  }

  log.info({ source: deps.source.describe() }, 'loading candles');
  const series = await deps.source.load();
  log.info({ candles: series.candles.length, gaps: series.gaps.length, source: series.source }, 'candles loaded');

  const dataset = buildDataset(series.candles, {
    timeframe: spec.market.timeframe,
    window: spec.model.window,
    horizon: spec.model.horizon,
    validationFraction: spec.model.validationFraction,
    testFraction: spec.model.testFraction,
  });
  log.info(
    { train: dataset.train.range, validation: dataset.validation.range, test: dataset.test.range, samplesLostToGaps: dataset.data.samplesLostToGaps, samplesPurged: dataset.data.samplesPurged },
    'dataset built',
  );

  const trained = await deps.trainer.train(dataset, spec, (progress) => deps.progress.epoch(progress));
  deps.progress.finish();
  log.info({ ...trained.facts }, 'training finished');

  const { weights, calibration } = await calibrateOnValidation(trained.weights, dataset, deps.trainer);
  log.info({ medianScale: calibration.medianScale, spreadScale: calibration.spreadScale }, 'forecast calibrated on the validation split');

  const testCount = dataset.test.samples.length;
  const predictions = await deps.trainer.predict(weights, dataset.test.rawX, testCount);
  const backtest = runBacktest({ dataset, predictions, quantiles: spec.model.quantiles });
  const metrics = summariseBacktest(backtest);
  log.info({ model: metrics.model, naive: metrics.baselines.naive }, metrics.verdict);

  const modelOnnx = exportQuantileLstmToOnnx(weights, { producerVersion: deps.trainerVersion, docString: `${spec.market.exchange} ${spec.market.symbol} ${spec.market.timeframe} ${input.version}` });
  const parity = await checkOnnxParity({ onnxBytes: modelOnnx, xRaw: dataset.test.rawX, batch: testCount, expected: predictions, tolerance: ONNX_PARITY_TOLERANCE });
  log.info({ maxAbsDiff: parity.maxAbsDiff, checked: parity.checked, tolerance: ONNX_PARITY_TOLERANCE }, 'onnx parity checked');

  const sha256 = createHash('sha256').update(modelOnnx).digest('hex');
  const manifest = buildManifest({
    spec,
    version: input.version,
    createdAt: started,
    dataset,
    metrics,
    training: trained.facts,
    calibration,
    trainerVersion: deps.trainerVersion,
    modelSha256: sha256,
    modelBytes: modelOnnx.byteLength,
  });
  const written = await writeArtifact(deps.store, { modelOnnx, backtest, manifest });
  log.info({ uri: written.uri, sha256: written.sha256 }, 'artifact written');

  // summariseBacktest already rounds every headline metric to six significant digits.
  const { model } = metrics;
  return {
    ok: true,
    artifactUri: written.uri,
    sha256: written.sha256,
    version: input.version,
    backend: trained.facts.backend,
    metrics: {
      mase: model.mase,
      maseStep1: model.maseStep1,
      naiveMase: metrics.baselines.naive?.mase ?? 1,
      skillVsNaive: metrics.skillVsNaive,
      coverage: model.coverage,
      winkler: model.winkler,
      directionalAccuracy: model.directionalAccuracy,
    },
  };
}

/** Fit the median shrinkage and conformal interval width on validation windows and fold them into the weights. */
async function calibrateOnValidation(weights: QuantileLstmWeights, dataset: Dataset, trainer: ForecasterTrainer): Promise<{ weights: QuantileLstmWeights; calibration: ForecastCalibration }> {
  const samples = dataset.validation.samples;
  const perWindow = dataset.window * dataset.featureCount;
  const rawX = new Float32Array(samples.length * perWindow);
  const actual = new Float32Array(samples.length * dataset.horizon);
  samples.forEach((sample, i) => {
    rawX.set(sample.features, i * perWindow);
    actual.set(sample.targetLogReturns, i * dataset.horizon);
  });
  const predictions = await trainer.predict(weights, rawX, samples.length);
  const calibration = fitForecastCalibration({ predictions, actual, horizon: dataset.horizon, quantiles: weights.quantiles });
  return { weights: applyForecastCalibration(weights, calibration), calibration };
}
