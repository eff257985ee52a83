/** The trainer's dataset: gap-free windows, purged chronological splits, train-only normalisation. */
export { buildDataset, historyRequirement, sampleRange, type HistoryRequirement } from './build-dataset.ts';
export { MIN_EVALUATION_SAMPLES, MIN_TRAIN_SAMPLES, minimumCandles, splitSizes, type SplitFractions } from './split.ts';
export { MIN_STD } from './normalisation.ts';
export type { Dataset, DatasetOptions, DatasetSample, DatasetSplit, DataSummary, Normalisation, SampleRange, TestSplit } from './types.ts';
