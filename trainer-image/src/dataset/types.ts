import type { Candle, CandleGap } from '../../../core/candle.ts';

/** One forecast origin: the raw feature window ending at the anchor candle and the closes that followed it. */
export interface DatasetSample {
  /** Index of the anchor candle (the last candle of the window) in `Dataset.candles`. */
  readonly anchorIndex: number;
  /** Open time of the anchor candle, ms since the epoch. */
  readonly anchorTime: number;
  /** Close of the anchor candle: the price every forecast of this sample starts from. */
  readonly anchorClose: number;
  /** Raw features, row-major [window, FEATURE_COUNT]; a view into shared storage, never mutate it. */
  readonly features: Float32Array;
  /** y[h] = ln(close[t+h+1] / close[t]) for h = 0..horizon-1: cumulative log return from the anchor. */
  readonly targetLogReturns: readonly number[];
  /** close[t+h+1] for h = 0..horizon-1. */
  readonly targetCloses: readonly number[];
}

/** Anchor-time range of one split as ISO strings, with its sample count. */
export interface SampleRange {
  readonly from: string;
  readonly to: string;
  readonly samples: number;
}

/** One chronological split, ready for the model trainer. */
export interface DatasetSplit {
  readonly samples: readonly DatasetSample[];
  /** Normalised features, [samples, window, FEATURE_COUNT]. */
  readonly x: Float32Array;
  /** Targets divided by `targetScale`, [samples, horizon]. */
  readonly y: Float32Array;
  readonly range: SampleRange;
}

/** The test split also keeps raw features, because the exported ONNX graph normalises inside. */
export interface TestSplit extends DatasetSplit {
  /** Raw (un-normalised) features, [samples, window, FEATURE_COUNT]. */
  readonly rawX: Float32Array;
}

/** Normalisation fitted on the training split only; the manifest carries it to the server. */
export interface Normalisation {
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  /** Standard deviation of training targets per horizon step; scaled y = y / targetScale (not centred). */
  readonly targetScale: readonly number[];
}

/** Shape of the dataset: the model's window and horizon and the share of samples held out. */
export interface DatasetOptions {
  readonly timeframe: string;
  readonly window: number;
  readonly horizon: number;
  readonly validationFraction: number;
  readonly testFraction: number;
}

/** What the candles gave: coverage, holes, and how many samples the holes and the purge cost. */
export interface DataSummary {
  readonly from: string;
  readonly to: string;
  readonly candles: number;
  readonly gaps: number;
  readonly missingCandles: number;
  readonly segments: number;
  /** Gap-free samples before splitting. */
  readonly samples: number;
  /** Samples the series would give if its candles formed one gap-free run, minus the samples it gives. */
  readonly samplesLostToGaps: number;
  /** Samples dropped at split boundaries so no earlier target reaches a later split's inputs. */
  readonly samplesPurged: number;
}

/** Everything the trainer, the backtest and the manifest need from the candles. */
export interface Dataset {
  readonly timeframe: string;
  readonly stepMs: number;
  readonly window: number;
  readonly horizon: number;
  readonly featureCount: number;
  /** The candles sorted by time and de-duplicated; `DatasetSample.anchorIndex` points here. */
  readonly candles: readonly Candle[];
  readonly gaps: readonly CandleGap[];
  readonly data: DataSummary;
  readonly normalisation: Normalisation;
  readonly train: DatasetSplit;
  readonly validation: DatasetSplit;
  readonly test: TestSplit;
}
