import { createHash } from 'node:crypto';
import type { ArtifactStore } from '../../../core/artifact-store.ts';
import type { Logger } from '../../../core/logger.ts';
import { ARTIFACT_FILES, type ComparisonSummary, type RunComparison, type RunSummary } from '../../../core/manifest.ts';
import type { QuantileLstmWeights } from '../../../core/model-weights.ts';
import type { TrainingSpec } from '../../../core/spec.ts';
import { readArtifact, writeArtifact } from '../../../core/storage/artifact-io.ts';
import { compareWithServedModel, type ServedModelComparison } from '../backtest/served-model-comparison.ts';
import { buildRollingOrigins, EVALUATION_SCHEME, runBacktest, summariseBacktest, type BacktestFoldInput, type RollingFold } from '../backtest/index.ts';
import type { CandleSource } from '../candles/index.ts';
import type { EpochProgress, ProgressReporter } from '../cli/progress.ts';
import { buildDataset, type Dataset } from '../dataset/index.ts';
import { exportQuantileLstmToOnnx } from '../export/onnx-export.ts';
import { checkOnnxParity } from '../export/onnx-parity.ts';
import { applyForecastCalibration, fitForecastCalibration, type ForecastCalibration } from '../calibration/calibrate-forecast.ts';
import { fitIntervalFallback } from '../calibration/interval-fallback.ts';
import type { IntervalFallback } from '../../../core/interval-fallback.ts';
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
  /** The artifact of the model being served, when the candidate is to be tested against it (BeatCurrent). */
  readonly servedModel?: ArtifactStore;
}

/** Input of one training run. */
export interface TrainingRunInput {
  readonly spec: Readonly<TrainingSpec>;
  readonly version: string;
}

/**
 * fetch → features → per rolling origin: train, calibrate on validation, forecast its test block → backtest → export the last
 * fold's model to ONNX → parity check → upload. Throws on any failure;
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

  // Every fold trains and calibrates exactly as the served model does; the last fold's model is served.
  const rolling = buildRollingOrigins(dataset, spec.model);
  const foldInputs: BacktestFoldInput[] = [];
  let final: { readonly fold: RollingFold; readonly weights: QuantileLstmWeights; readonly calibration: ForecastCalibration & { readonly intervalFallback: IntervalFallback }; readonly facts: TrainingFacts; readonly predictions: Float32Array } | undefined;
  for (const fold of rolling) {
    const foldStarted = performance.now();
    const trained = await deps.trainer.train(fold.dataset, spec, (progress) => deps.progress.epoch(progress));
    deps.progress.finish();
    const { weights, calibration, fallback } = await calibrateOnValidation(trained.weights, fold.dataset, deps.trainer);
    const predictions = await deps.trainer.predict(weights, fold.dataset.test.rawX, fold.dataset.test.samples.length);
    const seconds = (performance.now() - foldStarted) / 1000;
    foldInputs.push({ dataset: fold.dataset, predictions, trainingSeconds: seconds });
    log.info(
      { fold: fold.fold, folds: rolling.length, seconds: Math.round(seconds * 10) / 10, epochs: trained.facts.epochs, train: fold.dataset.train.range, test: fold.dataset.test.range, medianScale: calibration.medianScale, spreadScale: calibration.spreadScale, intervalModelWeight: fallback.modelWeight },
      'rolling-origin fold trained, calibrated on its validation split and forecast',
    );
    final = { fold, weights, calibration: { ...calibration, intervalFallback: fallback }, facts: trained.facts, predictions };
  }
  if (!final) throw new Error('no rolling-origin fold was built');
  const { weights, calibration, predictions } = final;
  const finalData = final.fold.dataset;
  const testCount = finalData.test.samples.length;
  const backtest = runBacktest({ folds: foldInputs, quantiles: spec.model.quantiles, evaluation: EVALUATION_SCHEME });
  const currentTest = deps.servedModel ? await testAgainstServedModel(deps.servedModel, foldInputs, spec.model.quantiles, log) : undefined;
  const summary = summariseBacktest(backtest);
  const metrics = currentTest && summary.tests ? { ...summary, tests: { ...summary.tests, current: currentTest } } : summary;
  const trainingFacts: TrainingFacts = { ...final.facts, seconds: foldInputs.reduce((sum, f) => sum + f.trainingSeconds, 0) };
  log.info({ model: metrics.model, naive: metrics.baselines.naive, folds: backtest.folds.map((f) => ({ fold: f.fold, seconds: f.trainingSeconds })) }, metrics.verdict);

  const modelOnnx = exportQuantileLstmToOnnx(weights, { producerVersion: deps.trainerVersion, docString: `${spec.market.exchange} ${spec.market.symbol} ${spec.market.timeframe} ${input.version}` });
  const parity = await checkOnnxParity({ onnxBytes: modelOnnx, xRaw: finalData.test.rawX, batch: testCount, expected: predictions, tolerance: ONNX_PARITY_TOLERANCE });
  log.info({ maxAbsDiff: parity.maxAbsDiff, checked: parity.checked, tolerance: ONNX_PARITY_TOLERANCE }, 'onnx parity checked');

  const sha256 = createHash('sha256').update(modelOnnx).digest('hex');
  const manifest = buildManifest({
    spec,
    version: input.version,
    createdAt: started,
    dataset: { ...finalData, test: { ...finalData.test, range: backtest.test } },
    metrics,
    training: trainingFacts,
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
    backend: final.facts.backend,
    metrics: {
      mase: model.mase,
      maseStep1: model.maseStep1,
      naiveMase: metrics.baselines.naive?.mase ?? 1,
      skillVsNaive: metrics.skillVsNaive,
      coverage: model.coverage,
      winkler: model.winkler,
      directionalAccuracy: model.directionalAccuracy,
      ...(metrics.tests ? { medianTest: runComparison(metrics.tests.median), intervalTest: metrics.tests.interval && runComparison(metrics.tests.interval) } : {}),
      ...(metrics.tests?.current ? { currentTest: runComparison(metrics.tests.current) } : {}),
    },
  };
}

/**
 * The candidate against the served model on the forecasts neither trained on. A served model that cannot be
 * read or compared leaves no test (promotion then compares headline metrics) rather than failing the run.
 */
async function testAgainstServedModel(store: ArtifactStore, folds: readonly BacktestFoldInput[], quantiles: readonly number[], log: Logger): Promise<ComparisonSummary | undefined> {
  let result: ServedModelComparison;
  try {
    result = await compareWithServedModel(folds, quantiles, await readArtifact(store));
  } catch (error) {
    log.warn({ err: error, servedModel: store.baseUri }, 'could not test against the served model');
    return undefined;
  }
  if ('skipped' in result) {
    log.warn({ servedModel: store.baseUri, reason: result.skipped }, 'no test against the served model');
    return undefined;
  }
  const { against, pValue, statistic, meanLossDifference, verdict } = result.comparison.overall;
  log.info({ servedModel: store.baseUri, samples: result.samples, pValue }, `against the served model: ${verdict}`);
  return { against, pValue, statistic, meanLossDifference, verdict };
}

function runComparison({ against, pValue, meanLossDifference }: ComparisonSummary): RunComparison {
  return { against, pValue, meanLossDifference };
}

/**
 * Fit the median shrinkage and conformal interval width on validation windows and fold them into the weights,
 * then the per-step fallback of the interval toward naive persistence's where the network's scores worse.
 */
async function calibrateOnValidation(weights: QuantileLstmWeights, dataset: Dataset, trainer: ForecasterTrainer): Promise<{ weights: QuantileLstmWeights; calibration: ForecastCalibration; fallback: IntervalFallback }> {
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
  const calibrated = applyForecastCalibration(weights, calibration);
  const trainActual = new Float32Array(dataset.train.samples.length * dataset.horizon);
  dataset.train.samples.forEach((sample, i) => trainActual.set(sample.targetLogReturns, i * dataset.horizon));
  const fallback = fitIntervalFallback({
    predictions: await trainer.predict(calibrated, rawX, samples.length),
    actual,
    trainActual,
    horizon: dataset.horizon,
    quantiles: weights.quantiles,
  });
  return { weights: { ...calibrated, intervalFallback: fallback }, calibration, fallback };
}
