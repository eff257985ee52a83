import type { Candle } from '../../../core/candle.ts';
import { buildFeatureWindow } from '../../../core/features.ts';
import type { ArtifactManifest } from '../../../core/manifest.ts';
import { timeframeMs } from '../../../core/timeframe.ts';
import { buildForecast, type Forecast } from '../forecast/forecast.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import { createDirectRunner, createMicroBatcher, type MicroBatcher } from './micro-batcher.ts';
import type { QuantileModel } from './onnx-quantile-model.ts';

/** Micro-batching settings (BATCH_* in the environment). */
export interface BatchingOptions {
  readonly enabled: boolean;
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
}

/** A loaded artifact ready to answer: its manifest and forecasts from candles or raw feature tensors. */
export interface ServingModel {
  readonly manifest: ArtifactManifest;
  /** Candle length of the model's timeframe in ms. */
  readonly stepMs: number;
  /** Forecast from the last window + 1 consecutive candles. */
  forecast(candles: readonly Candle[]): Promise<Forecast>;
  /** Raw model call for `samples` feature windows laid end to end ([n, window, F] → [n, horizon, Q]). */
  infer(features: Float32Array, samples: number): Promise<Float32Array>;
  /**
   * The same model call for background work (the live track record): it bypasses the micro-batcher and the
   * inference metrics, so request latency and batch-size figures describe requests only.
   */
  inferBackground(features: Float32Array, samples: number): Promise<Float32Array>;
  /** Free the onnxruntime session. */
  release(): Promise<void>;
}

/** Options of {@link createServingModel}. */
export interface ServingModelOptions {
  readonly manifest: ArtifactManifest;
  readonly model: QuantileModel;
  readonly batching: BatchingOptions;
  readonly metrics: Pick<ServerMetrics, 'inferenceDuration' | 'inferenceBatchSize'>;
}

/** Wire a loaded ONNX model behind the micro-batcher (or a direct runner when batching is off). */
export function createServingModel(options: ServingModelOptions): ServingModel {
  const { manifest, model, batching, metrics } = options;
  const stepMs = timeframeMs(manifest.market.timeframe);
  const common = {
    run: (inputs: Float32Array, samples: number) => model.run(inputs, samples),
    inputSize: model.window * model.featureCount,
    onBatch(samples: number, seconds: number) {
      metrics.inferenceDuration.observe(seconds);
      metrics.inferenceBatchSize.observe(samples);
    },
  };
  const runner: MicroBatcher = batching.enabled
    ? createMicroBatcher({ ...common, outputSize: model.horizon * model.quantileCount, maxBatchSize: batching.maxBatchSize, maxWaitMs: batching.maxWaitMs })
    : createDirectRunner(common);

  return {
    manifest,
    stepMs,
    async forecast(candles) {
      const features = buildFeatureWindow(candles, manifest.window);
      const y = await runner.submit(features, 1);
      return buildForecast(manifest, candles[candles.length - 1]!, stepMs, y);
    },
    infer: (features, samples) => runner.submit(features, samples),
    inferBackground: (features, samples) => model.run(features, samples),
    release: () => model.release(),
  };
}
