import { BACKTEST_SCHEMA_VERSION, FORECASTER_NAMES, type Backtest, type BacktestFold, type ForecasterBacktest, type ForecasterName } from '../../../core/backtest.ts';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { candlesPerDay } from '../../../core/timeframe.ts';
import { sampleRange } from '../dataset/build-dataset.ts';
import type { DatasetSample, SampleRange } from '../dataset/types.ts';
import { BASELINE_NAMES, closeHistory, createBaselines, type BaselineName } from './baselines.ts';
import { absoluteErrors, compareLosses, winklerLosses } from './comparisons.ts';
import { BACKTEST_DEFINITIONS } from './definitions.ts';
import { ewmaVolatility } from './ewma-volatility.ts';
import { baselineSeries, concat, concatSeries, modelSeries, perStep, type ForecastSeries } from './forecast-series.ts';
import { meanAbsoluteError } from './metrics.ts';
import { scoreSteps, type Outcomes } from './score-steps.ts';
import { roundSignificant } from './significant.ts';

/** The parts of one fold's Dataset the backtest reads (a Dataset satisfies it). */
export interface BacktestData {
  readonly timeframe: string;
  readonly stepMs: number;
  readonly window: number;
  readonly horizon: number;
  /** The whole sorted series: seasonal naive, drift and EWMA volatility look closes up by time in it. */
  readonly candles: readonly Candle[];
  /** Training samples fit the baselines' residual intervals. */
  readonly train: { readonly samples: readonly DatasetSample[]; readonly range: SampleRange };
  readonly validation: { readonly range: SampleRange };
  readonly test: { readonly samples: readonly DatasetSample[]; readonly range: SampleRange };
}

/** One rolling origin: its data, the model's forecasts on its test block and how long training took. */
export interface BacktestFoldInput {
  readonly dataset: BacktestData;
  /** Model output on the fold's test split, [samples, horizon, quantiles]: cumulative log returns, unscaled. */
  readonly predictions: Float32Array;
  readonly trainingSeconds: number;
}

/** Every fold, oldest first, and the quantile levels of the model's last axis. */
export interface BacktestInput {
  readonly folds: readonly BacktestFoldInput[];
  /** Strictly increasing and including 0.5. */
  readonly quantiles: readonly number[];
  /** How the folds were cut and which model is served, for the file's readers. */
  readonly evaluation: { readonly scheme: string; readonly finalModel: string };
}

/** One fold's forecasts by every forecaster, and what happened. */
interface FoldForecasts {
  readonly outcomes: Outcomes;
  readonly series: Record<ForecasterName, ForecastSeries>;
}

const MODEL_DESCRIPTION = 'the trained model: median price anchor close · exp(median log return)';

/** Score the model and the baselines on every fold and on all folds together, and test the model against them; the result is backtest.json. */
export function runBacktest({ folds, quantiles, evaluation }: BacktestInput): Backtest {
  const first = folds[0];
  if (!first) throw new RangeError('a backtest needs at least one fold');
  checkQuantiles(quantiles);
  const { horizon, timeframe, window, stepMs } = first.dataset;
  const qLow = quantiles[0]!;
  const qHigh = quantiles[quantiles.length - 1]!;
  const intervalLevel = quantiles.length > 1 ? qHigh - qLow : null;
  const outer = intervalLevel === null ? null : ([qLow, qHigh] as const);
  const intervalLabel = intervalLevel === null ? null : `${qLow}–${qHigh}`;
  const history = closeHistory(first.dataset.candles);
  const baselines = createBaselines(history, { stepMs, window, horizon, seasonalPeriod: candlesPerDay(timeframe) }, ewmaVolatility(first.dataset.candles, stepMs));

  const perFold = folds.map((fold, k): FoldForecasts => {
    const { train, test } = fold.dataset;
    checkPredictions(fold.predictions, test.samples.length, horizon, quantiles, k + 1);
    const series = { model: modelSeries(fold.predictions, test.samples, horizon, quantiles) } as Record<ForecasterName, ForecastSeries>;
    for (const name of BASELINE_NAMES) series[name] = baselineSeries(baselines[name], train.samples, test.samples, horizon, outer);
    return { outcomes: outcomesOf(test.samples, horizon), series };
  });

  const describe = (name: ForecasterName, series: ForecastSeries, outcomes: Outcomes, naiveMae: readonly number[]): ForecasterBacktest => ({
    description: name === 'model' ? MODEL_DESCRIPTION : baselines[name as BaselineName].description,
    interval: intervalLabel && `${name === 'model' ? 'model quantiles' : 'training-split residual quantiles'} ${intervalLabel}`,
    fallbackSteps: series.fallbackSteps,
    steps: scoreSteps(series, outcomes, naiveMae, intervalLevel),
  });
  const score = (forecasts: FoldForecasts, where: string): Record<ForecasterName, ForecasterBacktest> => {
    const naiveMae = naiveErrors(forecasts, where);
    return Object.fromEntries(FORECASTER_NAMES.map((name) => [name, describe(name, forecasts.series[name], forecasts.outcomes, naiveMae)])) as Record<ForecasterName, ForecasterBacktest>;
  };

  const foldReports: BacktestFold[] = folds.map((fold, k) => ({
    fold: k + 1,
    train: fold.dataset.train.range,
    validation: fold.dataset.validation.range,
    test: fold.dataset.test.range,
    trainingSeconds: roundSignificant(fold.trainingSeconds, 4),
    forecasters: score(perFold[k]!, `fold ${k + 1}`),
  }));
  const all = joinFolds(perFold);
  const aggregate = score(all, 'the test blocks');
  const allTest = folds.flatMap((fold) => fold.dataset.test.samples);

  const medianLosses = absoluteErrors(all.series.model, all.outcomes.actual);
  const median = compareLosses(medianLosses, absoluteErrors(all.series.naive, all.outcomes.actual), 'naive');
  let interval = null;
  if (intervalLevel !== null) {
    const best = bestBaselineInterval(aggregate);
    interval = compareLosses(winklerLosses(all.series.model, all.outcomes.actual, intervalLevel)!, winklerLosses(all.series[best], all.outcomes.actual, intervalLevel)!, best);
  }

  return {
    schemaVersion: BACKTEST_SCHEMA_VERSION,
    timeframe,
    window,
    horizon,
    quantiles: [...quantiles],
    intervalLevel: intervalLevel === null ? null : roundSignificant(intervalLevel),
    evaluation: { ...evaluation, folds: folds.length },
    test: sampleRange(allTest),
    definitions: BACKTEST_DEFINITIONS,
    folds: foldReports,
    aggregate,
    tests: { median, interval },
    closes: closesOnce(allTest, history, stepMs, horizon),
    predictions: folds.flatMap((fold, k) => fold.dataset.test.samples.map((sample, i) => ({ fold: k + 1, time: sample.anchorTime, quantiles: quantilePrices(sample, i, fold.predictions, horizon, quantiles.length) }))),
  };
}

/** The baseline whose interval scores best (lowest Winkler averaged over the horizon) on all folds together. */
export function bestBaselineInterval(aggregate: Readonly<Record<ForecasterName, ForecasterBacktest>>): BaselineName {
  let best: BaselineName = 'naive';
  let bestScore = Infinity;
  for (const name of BASELINE_NAMES) {
    const steps = aggregate[name].steps;
    const score = steps.reduce((sum, s) => sum + (s.winkler ?? Infinity), 0) / steps.length;
    if (score < bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return best;
}

function outcomesOf(samples: readonly DatasetSample[], horizon: number): Outcomes {
  return { actual: perStep(horizon, samples.length, (h, i) => samples[i]!.targetCloses[h]!), origin: Float64Array.from(samples, (s) => s.anchorClose) };
}

function joinFolds(folds: readonly FoldForecasts[]): FoldForecasts {
  const horizon = folds[0]!.outcomes.actual.length;
  const series = Object.fromEntries(FORECASTER_NAMES.map((name) => [name, concatSeries(folds.map((f) => f.series[name]))])) as Record<ForecasterName, ForecastSeries>;
  return {
    outcomes: { actual: Array.from({ length: horizon }, (_, h) => concat(folds.map((f) => f.outcomes.actual[h]!))), origin: concat(folds.map((f) => f.outcomes.origin)) },
    series,
  };
}

function naiveErrors(forecasts: FoldForecasts, where: string): number[] {
  return forecasts.outcomes.actual.map((outcome, h) => {
    const mae = meanAbsoluteError(forecasts.series.naive.point[h]!, outcome);
    // MASE divides by this; prices that never move leave nothing to forecast.
    if (mae === 0) throw new BadInputError(`the closes of ${where} never move at step ${h + 1}: nothing to forecast against naive persistence`, 'candles');
    return mae;
  });
}

/** Closes from the first test anchor to the last target, one per candle slot, so backtest.json holds each once. */
function closesOnce(samples: readonly DatasetSample[], history: ReturnType<typeof closeHistory>, stepMs: number, horizon: number): Backtest['closes'] {
  const from = samples[0]!.anchorTime;
  const to = samples[samples.length - 1]!.anchorTime + horizon * stepMs;
  const values: (number | null)[] = [];
  for (let time = from; time <= to; time += stepMs) {
    const close = history.closeAt(time);
    values.push(close === undefined ? null : roundSignificant(close));
  }
  return { from, stepMs, values };
}

function quantilePrices(sample: DatasetSample, i: number, predictions: Float32Array, horizon: number, count: number): number[][] {
  const prices: number[][] = [];
  for (let h = 0; h < horizon; h++) {
    const offset = (i * horizon + h) * count;
    prices.push(Array.from(predictions.subarray(offset, offset + count), (y) => roundSignificant(sample.anchorClose * Math.exp(y))));
  }
  return prices;
}

function checkQuantiles(quantiles: readonly number[]): void {
  if (!quantiles.includes(0.5)) throw new RangeError(`quantiles must include the median 0.5, got ${quantiles.join(', ')}`);
  for (let q = 1; q < quantiles.length; q++) {
    if (!(quantiles[q]! > quantiles[q - 1]!)) throw new RangeError(`quantiles must be strictly increasing, got ${quantiles.join(', ')}`);
  }
}

function checkPredictions(predictions: Float32Array, samples: number, horizon: number, quantiles: readonly number[], fold: number): void {
  if (samples === 0) throw new RangeError(`the test split of fold ${fold} is empty: nothing to backtest`);
  const expected = samples * horizon * quantiles.length;
  if (predictions.length !== expected) {
    throw new RangeError(`fold ${fold}: predictions hold ${predictions.length} values, expected ${expected} = ${samples} samples × ${horizon} steps × ${quantiles.length} quantiles`);
  }
  const bad = predictions.findIndex((y) => !Number.isFinite(y));
  if (bad >= 0) throw new RangeError(`fold ${fold}: model prediction for test sample ${Math.floor(bad / (horizon * quantiles.length))} is not finite (${predictions[bad]})`);
}
