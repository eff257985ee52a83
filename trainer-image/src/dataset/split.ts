import type { DatasetSample } from './types.ts';

/** Fewest training samples a model is fitted on; below this the fit says nothing. */
export const MIN_TRAIN_SAMPLES = 50;
/** Fewest validation and test samples: early stopping and the backtest need something to judge. */
export const MIN_EVALUATION_SAMPLES = 10;

/** Shares of the samples held out, taken from the end of the series. */
export interface SplitFractions {
  readonly validationFraction: number;
  readonly testFraction: number;
}

/** Sample counts per split of the three chronological splits. */
export interface SplitSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** Samples of each split after purging, and how many the purge dropped. */
export interface ChronologicalSplit {
  readonly train: DatasetSample[];
  readonly validation: DatasetSample[];
  readonly test: DatasetSample[];
  readonly purged: number;
}

/** Pre-purge sizes: test and validation are rounded shares of `samples`, train is the rest. */
export function splitSizes(samples: number, fractions: SplitFractions): SplitSizes {
  const test = Math.round(samples * fractions.testFraction);
  const validation = Math.round(samples * fractions.validationFraction);
  return { train: Math.max(0, samples - validation - test), validation, test };
}

/**
 * Split samples (sorted by anchor time) into train, validation and test, oldest first. At each
 * boundary the earlier split drops samples whose last target time is not strictly before the first
 * input candle (anchor − window steps) of the later split, so no target of an earlier split is ever
 * seen as input or target by a later one. On a gap-free series this purges window + horizon samples.
 */
export function splitChronologically(
  samples: readonly DatasetSample[],
  options: SplitFractions & { readonly stepMs: number; readonly window: number; readonly horizon: number },
): ChronologicalSplit {
  const sizes = splitSizes(samples.length, options);
  const train = samples.slice(0, sizes.train);
  const validation = samples.slice(sizes.train, sizes.train + sizes.validation);
  const test = samples.slice(sizes.train + sizes.validation);
  const keptTrain = purgeBefore(train, validation[0] ?? test[0], options);
  const keptValidation = purgeBefore(validation, test[0], options);
  const purged = train.length - keptTrain.length + validation.length - keptValidation.length;
  return { train: keptTrain, validation: keptValidation, test, purged };
}

function purgeBefore(
  earlier: DatasetSample[],
  firstOfLater: DatasetSample | undefined,
  { stepMs, window, horizon }: { readonly stepMs: number; readonly window: number; readonly horizon: number },
): DatasetSample[] {
  if (!firstOfLater) return earlier;
  const firstLaterInput = firstOfLater.anchorTime - window * stepMs;
  return earlier.filter((sample) => sample.anchorTime + horizon * stepMs < firstLaterInput);
}

/** Split sizes after the purge on a gap-free run of `candles` candles. */
export function gapFreeSplitSizes(candles: number, window: number, horizon: number, fractions: SplitFractions): SplitSizes {
  const sizes = splitSizes(Math.max(0, candles - window - horizon), fractions);
  const purge = window + horizon;
  // Train is purged against validation, or against test when validation is empty.
  return {
    train: Math.max(0, sizes.train - (sizes.validation > 0 || sizes.test > 0 ? purge : 0)),
    validation: Math.max(0, sizes.validation - (sizes.test > 0 ? purge : 0)),
    test: sizes.test,
  };
}

/** True when the split sizes are enough to train, stop early and backtest. */
export function splitsAreUsable(sizes: SplitSizes): boolean {
  return sizes.train >= MIN_TRAIN_SAMPLES && sizes.validation >= MIN_EVALUATION_SAMPLES && sizes.test >= MIN_EVALUATION_SAMPLES;
}

/** Fewest gap-free candles that give usable train, validation and test splits for this window and horizon. */
export function minimumCandles(window: number, horizon: number, fractions: SplitFractions): number {
  const total = fractions.validationFraction + fractions.testFraction;
  if (!(fractions.validationFraction > 0 && fractions.testFraction > 0 && total < 1)) {
    throw new RangeError(`validation and test fractions must be positive and sum to less than 1, got ${fractions.validationFraction} and ${fractions.testFraction}`);
  }
  // Rounding lets the train count dip by at most 2 as candles grow (validation and test never shrink),
  // so the answer is the first count after which `settle` consecutive counts all work: every larger one does too.
  const settle = Math.ceil(2 / (1 - total)) + 1;
  let consecutive = 0;
  for (let candles = window + horizon + MIN_TRAIN_SAMPLES + 2 * MIN_EVALUATION_SAMPLES; ; candles++) {
    consecutive = splitsAreUsable(gapFreeSplitSizes(candles, window, horizon, fractions)) ? consecutive + 1 : 0;
    if (consecutive > settle) return candles - settle;
  }
}
