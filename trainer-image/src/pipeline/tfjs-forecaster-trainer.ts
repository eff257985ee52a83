import { BadInputError } from '../../../core/errors.ts';
import { FEATURE_COUNT } from '../../../core/features.ts';
import type { Logger } from '../../../core/logger.ts';
import { isBackendName, selectBackend } from '../model/backend.ts';
import { predictQuantiles } from '../model/predict.ts';
import { trainQuantileLstm } from '../model/train.ts';
import type { ForecasterTrainer } from './run-training.ts';

/** Options for the TensorFlow.js trainer: the logger and an optional backend to force. */
export interface TfjsForecasterTrainerOptions {
  readonly log: Logger;
  readonly backend?: string | undefined;
}

/** The production ForecasterTrainer: selects a TensorFlow.js backend, then trains the quantile LSTM. */
export function createTfjsForecasterTrainer(options: TfjsForecasterTrainerOptions): ForecasterTrainer {
  const { log } = options;
  if (options.backend !== undefined && !isBackendName(options.backend)) {
    throw new BadInputError(`--backend: unknown backend "${options.backend}" (use tensorflow-gpu, tensorflow, wasm or cpu)`, 'backend');
  }
  const prefer = options.backend;
  return {
    async train(dataset, spec, onEpoch) {
      const backend = await selectBackend({ prefer, log });
      const { model } = spec;
      const started = performance.now();
      const result = await trainQuantileLstm({
        x: dataset.train.x,
        y: dataset.train.y,
        xVal: dataset.validation.x,
        yVal: dataset.validation.y,
        window: model.window,
        features: FEATURE_COUNT,
        horizon: model.horizon,
        quantiles: model.quantiles,
        units: model.units,
        layers: model.layers,
        dropout: model.dropout,
        epochs: model.epochs,
        patience: model.patience,
        batchSize: model.batchSize,
        learningRate: model.learningRate,
        clipNorm: model.clipNorm,
        seed: model.seed,
        featureMean: dataset.normalisation.featureMean,
        featureStd: dataset.normalisation.featureStd,
        targetScale: dataset.normalisation.targetScale,
        onEpoch,
      });
      const best = result.history[result.bestEpoch - 1];
      const last = result.history[result.history.length - 1];
      return {
        weights: result.weights,
        facts: {
          backend: result.backend || backend,
          epochs: result.history.length,
          bestEpoch: result.bestEpoch,
          seconds: (performance.now() - started) / 1000,
          samplesPerSecond: result.samplesPerSecond,
          finalLoss: last?.loss ?? Number.NaN,
          bestValLoss: best?.valLoss ?? Number.NaN,
        },
      };
    },
    async predict(weights, rawX) {
      return predictQuantiles(weights, rawX);
    },
  };
}
