import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { candlesPerDay } from '../../../core/timeframe.ts';
import type { DatasetSample, SampleRange } from '../dataset/types.ts';
import { closeHistory, createBaselines, type Baseline } from './baselines.ts';
import { BACKTEST_DEFINITIONS } from './definitions.ts';
import {
  directionalAccuracy,
  intervalCoverage,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  rootMeanSquaredError,
  winklerScore,
} from './metrics.ts';
import { fitResidualBounds } from './residual-intervals.ts';
import { roundSignificant } from './significant.ts';
import { BACKTEST_SCHEMA_VERSION, type Backtest, type BacktestPrediction, type ForecasterBacktest, type StepMetrics } from './types.ts';

/** The parts of a Dataset the backtest reads (a Dataset satisfies it). */
export interface BacktestData {
  readonly timeframe: string;
  readonly stepMs: number;
  readonly window: number;
  readonly horizon: number;
  /** The whole sorted series: seasonal naive and drift look closes up by time in it. */
  readonly candles: readonly Candle[];
  /** Training samples fit the baselines' residual intervals. */
  readonly train: { readonly samples: readonly DatasetSample[] };
  readonly test: { readonly samples: readonly DatasetSample[]; readonly range: SampleRange };
}

/** Test-split data and the model's forecasts for it. */
export interface BacktestInput {
  readonly dataset: BacktestData;
  /** Model output on the test split, [samples, horizon, quantiles]: cumulative log returns, unscaled. */
  readonly predictions: Float32Array;
  /** Quantile levels of the last axis, strictly increasing and including 0.5. */
  readonly quantiles: readonly number[];
}

/** Per-step forecasts of one forecaster: index [step][sample]. */
interface ForecastSeries {
  readonly point: Float64Array[];
  readonly interval: { readonly lower: Float64Array[]; readonly upper: Float64Array[] } | null;
  readonly fallbackSteps: number;
}

/** Score the model and the naive baselines on the test split; the result is backtest.json. */
export function runBacktest({ dataset, predictions, quantiles }: BacktestInput): Backtest {
  const { horizon } = dataset;
  const test = dataset.test.samples;
  checkPredictions(predictions, test.length, horizon, quantiles);
  const qLow = quantiles[0]!;
  const qHigh = quantiles[quantiles.length - 1]!;
  const intervalLevel = quantiles.length > 1 ? qHigh - qLow : null;

  const actual = perStep(horizon, test.length, (h, i) => test[i]!.targetCloses[h]!);
  const origin = Float64Array.from(test, (sample) => sample.anchorClose);
  const baselines = createBaselines(closeHistory(dataset.candles), {
    stepMs: dataset.stepMs,
    window: dataset.window,
    horizon,
    seasonalPeriod: candlesPerDay(dataset.timeframe),
  });
  const outer = intervalLevel === null ? null : ([qLow, qHigh] as const);
  const naiveSeries = forecastBaseline(baselines.naive, dataset, outer);
  const naiveMae = naiveSeries.point.map((point, h) => meanAbsoluteError(point, actual[h]!));
  naiveMae.forEach((mae, h) => {
    // MASE divides by this; prices that never move leave nothing to forecast.
    if (mae === 0) throw new BadInputError(`the test split's closes never move at step ${h + 1}: nothing to forecast against naive persistence`, 'candles');
  });
  const interval = intervalLevel === null ? null : `${qLow}–${qHigh}`;
  const entry = (description: string, intervalSource: string, series: ForecastSeries): ForecasterBacktest => ({
    description,
    interval: interval && `${intervalSource} ${interval}`,
    fallbackSteps: series.fallbackSteps,
    steps: scoreSteps(series, actual, origin, naiveMae, intervalLevel),
  });
  const baselineEntry = (baseline: Baseline, series = forecastBaseline(baseline, dataset, outer)): ForecasterBacktest =>
    entry(baseline.description, 'training-split residual quantiles', series);

  return {
    schemaVersion: BACKTEST_SCHEMA_VERSION,
    timeframe: dataset.timeframe,
    window: dataset.window,
    horizon,
    quantiles: [...quantiles],
    intervalLevel: intervalLevel === null ? null : roundSignificant(intervalLevel),
    test: dataset.test.range,
    definitions: BACKTEST_DEFINITIONS,
    forecasters: {
      model: entry('the trained model: median price anchor close · exp(median log return)', 'model quantiles', forecastModel(predictions, test, horizon, quantiles)),
      naive: baselineEntry(baselines.naive, naiveSeries),
      seasonalNaive: baselineEntry(baselines.seasonalNaive),
      drift: baselineEntry(baselines.drift),
    },
    predictions: test.map((sample, i) => predictionRecord(sample, i, predictions, horizon, quantiles.length)),
  };
}

function forecastModel(predictions: Float32Array, test: readonly DatasetSample[], horizon: number, quantiles: readonly number[]): ForecastSeries {
  const count = quantiles.length;
  const median = quantiles.indexOf(0.5);
  const price = (i: number, h: number, q: number): number => test[i]!.anchorClose * Math.exp(predictions[(i * horizon + h) * count + q]!);
  const point = perStep(horizon, test.length, (h, i) => price(i, h, median));
  if (count < 2) return { point, interval: null, fallbackSteps: 0 };
  // Quantile heads can cross on unusual inputs; the interval is the span between the outer two either way.
  const lower = perStep(horizon, test.length, (h, i) => Math.min(price(i, h, 0), price(i, h, count - 1)));
  const upper = perStep(horizon, test.length, (h, i) => Math.max(price(i, h, 0), price(i, h, count - 1)));
  return { point, interval: { lower, upper }, fallbackSteps: 0 };
}

function forecastBaseline(baseline: Baseline, dataset: BacktestData, outer: readonly [number, number] | null): ForecastSeries {
  const { horizon } = dataset;
  const test = dataset.test.samples;
  const forecasts = test.map((sample) => baseline.forecast(sample));
  const point = perStep(horizon, test.length, (h, i) => forecasts[i]!.closes[h]!);
  const fallbackSteps = forecasts.reduce((sum, f) => sum + f.fallbackSteps, 0);
  if (!outer) return { point, interval: null, fallbackSteps };
  const bounds = fitResidualBounds(baseline, dataset.train.samples, horizon, outer[0], outer[1]);
  const lower = perStep(horizon, test.length, (h, i) => point[h]![i]! + test[i]!.anchorClose * bounds.lower[h]!);
  const upper = perStep(horizon, test.length, (h, i) => point[h]![i]! + test[i]!.anchorClose * bounds.upper[h]!);
  return { point, interval: { lower, upper }, fallbackSteps };
}

function scoreSteps(
  series: ForecastSeries,
  actual: readonly Float64Array[],
  origin: Float64Array,
  naiveMae: readonly number[],
  intervalLevel: number | null,
): StepMetrics[] {
  return actual.map((outcome, h) => {
    const point = series.point[h]!;
    const mae = meanAbsoluteError(point, outcome);
    const lower = series.interval?.lower[h];
    const upper = series.interval?.upper[h];
    const hasInterval = lower !== undefined && upper !== undefined && intervalLevel !== null;
    return {
      step: h + 1,
      mae: roundSignificant(mae),
      rmse: roundSignificant(rootMeanSquaredError(point, outcome)),
      mape: roundSignificant(meanAbsolutePercentageError(point, outcome)),
      mase: roundSignificant(mae / naiveMae[h]!),
      directionalAccuracy: roundSignificant(directionalAccuracy(point, outcome, origin)),
      coverage: hasInterval ? roundSignificant(intervalCoverage(lower, upper, outcome)) : null,
      winkler: hasInterval ? roundSignificant(winklerScore(lower, upper, outcome, intervalLevel)) : null,
    };
  });
}

function predictionRecord(sample: DatasetSample, i: number, predictions: Float32Array, horizon: number, count: number): BacktestPrediction {
  const quantilePrices: number[][] = [];
  for (let h = 0; h < horizon; h++) {
    const offset = (i * horizon + h) * count;
    quantilePrices.push(Array.from(predictions.subarray(offset, offset + count), (y) => roundSignificant(sample.anchorClose * Math.exp(y))));
  }
  return {
    time: sample.anchorTime,
    close: roundSignificant(sample.anchorClose),
    actual: sample.targetCloses.map((close) => roundSignificant(close)),
    quantiles: quantilePrices,
  };
}

function perStep(horizon: number, samples: number, value: (h: number, i: number) => number): Float64Array[] {
  return Array.from({ length: horizon }, (_, h) => Float64Array.from({ length: samples }, (_, i) => value(h, i)));
}

function checkPredictions(predictions: Float32Array, samples: number, horizon: number, quantiles: readonly number[]): void {
  if (samples === 0) throw new RangeError('the test split is empty: nothing to backtest');
  if (!quantiles.includes(0.5)) throw new RangeError(`quantiles must include the median 0.5, got ${quantiles.join(', ')}`);
  for (let q = 1; q < quantiles.length; q++) {
    if (!(quantiles[q]! > quantiles[q - 1]!)) throw new RangeError(`quantiles must be strictly increasing, got ${quantiles.join(', ')}`);
  }
  const expected = samples * horizon * quantiles.length;
  if (predictions.length !== expected) {
    throw new RangeError(`predictions hold ${predictions.length} values, expected ${expected} = ${samples} samples × ${horizon} steps × ${quantiles.length} quantiles`);
  }
  const bad = predictions.findIndex((y) => !Number.isFinite(y));
  if (bad >= 0) throw new RangeError(`model prediction for test sample ${Math.floor(bad / (horizon * quantiles.length))} is not finite (${predictions[bad]})`);
}
