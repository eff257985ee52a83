import { findCandleProblem, findGaps, sortAndDeduplicate, type Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { FEATURE_COUNT } from '../../../core/features.ts';
import { timeframeMs } from '../../../core/timeframe.ts';
import { fitNormalisation, stackScaledTargets, stackWindows } from './normalisation.ts';
import { enumerateSamples, samplesPerRun } from './samples.ts';
import { minimumCandles, splitChronologically, splitsAreUsable } from './split.ts';
import type { Dataset, DatasetOptions, DatasetSample, DatasetSplit, Normalisation, SampleRange } from './types.ts';

/**
 * Turn candles into gap-free samples, split them chronologically with a purge at each boundary, and
 * fit normalisation on the training split. Throws BadInputError when the history is too short.
 */
export function buildDataset(candles: readonly Candle[], options: DatasetOptions): Dataset {
  checkOptions(options);
  const { window, horizon } = options;
  const stepMs = timeframeMs(options.timeframe);
  checkCandles(candles);
  const series = sortAndDeduplicate(candles);
  const requirement = historyRequirement(options);
  if (series.length < requirement.count) throw tooLittleHistory(requirement, series.length, '');

  const gaps = findGaps(series, stepMs);
  const { featureRows, samples, segments } = enumerateSamples(series, stepMs, window, horizon);
  const split = splitChronologically(samples, { ...options, stepMs });
  const sizes = { train: split.train.length, validation: split.validation.length, test: split.test.length };
  const samplesLostToGaps = samplesPerRun(series.length, window, horizon) - samples.length;
  if (!splitsAreUsable(sizes)) {
    const detail = ` (${gaps.length} ${gaps.length === 1 ? 'gap' : 'gaps'} in the candles cost ${samplesLostToGaps} samples; usable after purging: train ${sizes.train}, validation ${sizes.validation}, test ${sizes.test})`;
    throw tooLittleHistory(requirement, series.length, detail);
  }

  const normalisation = fitNormalisation(featureRows, split.train, window, horizon);
  const first = series[0]!;
  const last = series[series.length - 1]!;
  return {
    timeframe: options.timeframe,
    stepMs,
    window,
    horizon,
    featureCount: FEATURE_COUNT,
    candles: series,
    gaps,
    data: {
      from: new Date(first.time).toISOString(),
      to: new Date(last.time).toISOString(),
      candles: series.length,
      gaps: gaps.length,
      missingCandles: gaps.reduce((sum, gap) => sum + gap.missing, 0),
      segments,
      samples: samples.length,
      samplesLostToGaps,
      samplesPurged: split.purged,
    },
    normalisation,
    train: prepareSplit(split.train, window, normalisation),
    validation: prepareSplit(split.validation, window, normalisation),
    test: { ...prepareSplit(split.test, window, normalisation), rawX: stackWindows(split.test, window) },
  };
}

function prepareSplit(samples: readonly DatasetSample[], window: number, normalisation: Normalisation): DatasetSplit {
  return {
    samples,
    x: stackWindows(samples, window, normalisation),
    y: stackScaledTargets(samples, normalisation.targetScale),
    range: sampleRange(samples),
  };
}

/** Anchor-time range of samples sorted by time. */
export function sampleRange(samples: readonly DatasetSample[]): SampleRange {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return { from: '', to: '', samples: 0 };
  return { from: new Date(first.anchorTime).toISOString(), to: new Date(last.anchorTime).toISOString(), samples: samples.length };
}

/** The fewest gap-free candles a dataset needs, and the settings that make it so. */
export interface HistoryRequirement {
  readonly count: number;
  readonly reason: string;
}

/** The fewest gap-free candles a dataset of this shape needs (candle sources refuse shorter files up front). */
export function historyRequirement(options: Omit<DatasetOptions, 'timeframe'>): HistoryRequirement {
  return {
    count: minimumCandles(options.window, options.horizon, options),
    reason: `window ${options.window}, horizon ${options.horizon}, validation ${options.validationFraction} and test ${options.testFraction}`,
  };
}

function tooLittleHistory(requirement: HistoryRequirement, got: number, detail: string): BadInputError {
  return new BadInputError(
    `need at least ${requirement.count} gap-free candles for ${requirement.reason}, got ${got}${detail}; ` +
      'lower model.window or model.horizon, or raise market.lookback',
    'market.lookback',
  );
}

function checkOptions(options: DatasetOptions): void {
  for (const field of ['window', 'horizon'] as const) {
    const value = options[field];
    if (!Number.isInteger(value) || value < 1) throw new BadInputError(`model.${field}: must be a positive integer, got ${value}`, `model.${field}`);
  }
  for (const field of ['validationFraction', 'testFraction'] as const) {
    const value = options[field];
    if (!(value > 0 && value < 1)) throw new BadInputError(`model.${field}: must be between 0 and 1, got ${value}`, `model.${field}`);
  }
  if (options.validationFraction + options.testFraction >= 1) {
    throw new BadInputError('model.validationFraction + model.testFraction must be below 1 to leave training data', 'model.testFraction');
  }
}

// The largest time a JavaScript Date can represent.
const MAX_DATE_MS = 8.64e15;

function checkCandles(candles: readonly Candle[]): void {
  candles.forEach((candle, i) => {
    if (!Number.isSafeInteger(candle.time) || candle.time < 0 || candle.time > MAX_DATE_MS) {
      throw new BadInputError(`candles[${i}]: time must be a non-negative integer of ms since the epoch, got ${candle.time}`, `candles[${i}].time`);
    }
    // Features take logs of prices and of 1 + volume; one bad value would poison every window it touches,
    // and prices beyond MAX_PRICE would overflow the backtest's sums.
    const problem = findCandleProblem(candle);
    if (problem !== undefined) {
      throw new BadInputError(`candles[${i}].${problem.field} at ${new Date(candle.time).toISOString()}: ${problem.message}`, `candles[${i}].${problem.field}`);
    }
  });
}
