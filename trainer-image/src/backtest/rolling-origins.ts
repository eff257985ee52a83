import { BadInputError } from '../../../core/errors.ts';
import { sampleRange } from '../dataset/build-dataset.ts';
import { fitNormalisation, stackScaledTargets, stackWindows } from '../dataset/normalisation.ts';
import { enumerateSamples } from '../dataset/samples.ts';
import { splitChronologically, splitsAreUsable, type SplitFractions } from '../dataset/split.ts';
import type { Dataset, DatasetSample, DatasetSplit, Normalisation } from '../dataset/types.ts';

/** Rolling origins of every backtest: enough for a test over folds, few enough to retrain each in the time budget. */
export const ROLLING_ORIGINS = 4;

/** How backtest.json describes the evaluation scheme. */
export const EVALUATION_SCHEME = {
  scheme:
    'rolling origin with an expanding window: the most recent test share of samples is cut into equal consecutive test blocks; each fold trains on every sample before its block (the last validation share of them for early stopping and calibration, purged at both boundaries) and is scored on its block',
  finalModel: "the served model is the last fold's: trained on everything before the last origin's cutoff and scored out of sample on the last block, so the model that serves is one the backtest judged",
} as const;

/** One rolling origin: a Dataset whose test split is that fold's block. */
export interface RollingFold {
  /** 1-based, oldest first. */
  readonly fold: number;
  readonly dataset: Dataset;
}

/**
 * Cut the dataset's samples into `folds` expanding-window folds over the most recent `testFraction` of
 * them. An expanding window (not a sliding one) keeps every fold trained on all history before its origin,
 * as the served model is, so a fold's score predicts the served model's; normalisation is refitted per
 * fold on that fold's training samples only.
 */
export function buildRollingOrigins(dataset: Dataset, fractions: SplitFractions, folds = ROLLING_ORIGINS): RollingFold[] {
  if (!Number.isInteger(folds) || folds < 1) throw new RangeError(`rolling origins must be a positive integer, got ${folds}`);
  const { stepMs, window, horizon } = dataset;
  const { featureRows, samples } = enumerateSamples(dataset.candles, stepMs, window, horizon);
  const total = samples.length;
  const block = Math.floor(Math.round(total * fractions.testFraction) / folds);
  const validation = Math.round(total * fractions.validationFraction);
  const result: RollingFold[] = [];
  for (let k = 0; k < folds; k++) {
    const end = total - (folds - 1 - k) * block;
    const split = splitChronologically(samples.slice(0, end), { validationFraction: validation / end, testFraction: block / end, stepMs, window, horizon });
    const sizes = { train: split.train.length, validation: split.validation.length, test: split.test.length };
    if (!splitsAreUsable(sizes) || sizes.test !== block) {
      throw new BadInputError(
        `rolling-origin fold ${k + 1} of ${folds} is too small (train ${sizes.train}, validation ${sizes.validation}, test ${sizes.test} samples); raise market.lookback or model.testFraction`,
        'market.lookback',
      );
    }
    const normalisation = fitNormalisation(featureRows, split.train, window, horizon);
    result.push({
      fold: k + 1,
      dataset: {
        ...dataset,
        data: { ...dataset.data, samplesPurged: split.purged },
        normalisation,
        train: prepareSplit(split.train, window, normalisation),
        validation: prepareSplit(split.validation, window, normalisation),
        test: { ...prepareSplit(split.test, window, normalisation), rawX: stackWindows(split.test, window) },
      },
    });
  }
  return result;
}

function prepareSplit(samples: readonly DatasetSample[], window: number, normalisation: Normalisation): DatasetSplit {
  return { samples, x: stackWindows(samples, window, normalisation), y: stackScaledTargets(samples, normalisation.targetScale), range: sampleRange(samples) };
}
