import { FEATURE_COUNT, FEATURE_NAMES, FEATURE_SPEC_VERSION } from '../../../core/features.ts';
import { MANIFEST_SCHEMA_VERSION, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME, type ArtifactManifest, type MetricsSummary } from '../../../core/manifest.ts';
import type { TrainingSpec } from '../../../core/spec.ts';
import type { IntervalFallback } from '../../../core/interval-fallback.ts';
import type { ForecastCalibration } from '../calibration/calibrate-forecast.ts';
import type { Dataset } from '../dataset/index.ts';

/** What training reports for the manifest's `training` block. */
export interface TrainingFacts {
  readonly backend: string;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  readonly finalLoss: number;
  readonly bestValLoss: number;
}

/** Everything manifest.json records about one finished run. */
export interface ManifestInput {
  readonly spec: Readonly<TrainingSpec>;
  readonly version: string;
  readonly createdAt: Date;
  readonly dataset: Dataset;
  readonly metrics: MetricsSummary;
  readonly training: TrainingFacts;
  readonly calibration: ForecastCalibration & { readonly intervalFallback?: IntervalFallback };
  readonly trainerVersion: string;
  readonly modelSha256: string;
  readonly modelBytes: number;
}

/** Assemble manifest.json: the serving contract (shapes, normalisation, quantiles) and the run's provenance. */
export function buildManifest(input: ManifestInput): ArtifactManifest {
  const { spec, dataset } = input;
  const { window, horizon, quantiles } = spec.model;
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    featureSpecVersion: FEATURE_SPEC_VERSION,
    version: input.version,
    createdAt: input.createdAt.toISOString(),
    market: { ...spec.market },
    model: { ...spec.model, quantiles: [...quantiles] },
    window,
    horizon,
    quantiles: [...quantiles],
    features: [...FEATURE_NAMES],
    normalisation: {
      inGraph: true,
      featureMean: [...dataset.normalisation.featureMean],
      featureStd: [...dataset.normalisation.featureStd],
      targetScale: [...dataset.normalisation.targetScale],
    },
    calibration: {
      medianScale: [...input.calibration.medianScale],
      spreadScale: [...input.calibration.spreadScale],
      ...(input.calibration.intervalFallback
        ? { intervalFallback: { modelWeight: [...input.calibration.intervalFallback.modelWeight], naiveOffset: [...input.calibration.intervalFallback.naiveOffset] } }
        : {}),
    },
    io: {
      input: ONNX_INPUT_NAME,
      output: ONNX_OUTPUT_NAME,
      inputShape: ['batch', window, FEATURE_COUNT],
      outputShape: ['batch', horizon, quantiles.length],
    },
    data: {
      from: dataset.data.from,
      to: dataset.data.to,
      candles: dataset.data.candles,
      gaps: dataset.data.gaps,
      train: dataset.train.range,
      validation: dataset.validation.range,
      test: dataset.test.range,
    },
    metrics: input.metrics,
    training: input.training,
    trainer: { version: input.trainerVersion },
    modelSha256: input.modelSha256,
    modelBytes: input.modelBytes,
  };
}
