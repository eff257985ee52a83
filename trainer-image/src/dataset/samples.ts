import { splitIntoSegments, type Candle } from '../../../core/candle.ts';
import { buildFeatureMatrix, FEATURE_COUNT } from '../../../core/features.ts';
import type { DatasetSample } from './types.ts';

/** Feature rows for a whole series plus every gap-free forecast origin in it. */
export interface SeriesSamples {
  /** Row k (row-major, FEATURE_COUNT wide) describes candles[k] against candles[k - 1]; NaN at segment starts. */
  readonly featureRows: Float32Array;
  readonly samples: DatasetSample[];
  readonly segments: number;
}

/** Samples whose window (window + 1 candles) and targets (horizon candles) lie inside one gap-free run. */
export function samplesPerRun(runLength: number, window: number, horizon: number): number {
  return Math.max(0, runLength - window - horizon);
}

/**
 * Enumerate forecast origins of a sorted, de-duplicated series. An anchor at index a needs candles
 * a - window … a + horizon in the same gap-free segment, so no window or target ever spans a hole.
 */
export function enumerateSamples(candles: readonly Candle[], stepMs: number, window: number, horizon: number): SeriesSamples {
  // NaN marks rows that have no predecessor in their segment; no valid window ever reaches them.
  const featureRows = new Float32Array(candles.length * FEATURE_COUNT).fill(Number.NaN);
  const samples: DatasetSample[] = [];
  const segments = splitIntoSegments(candles, stepMs);
  let start = 0;
  for (const segment of segments) {
    featureRows.set(buildFeatureMatrix(segment.candles), (start + 1) * FEATURE_COUNT);
    const end = start + segment.candles.length - 1;
    for (let anchor = start + window; anchor + horizon <= end; anchor++) {
      samples.push(sampleAt(candles, featureRows, anchor, window, horizon));
    }
    start = end + 1;
  }
  return { featureRows, samples, segments: segments.length };
}

function sampleAt(candles: readonly Candle[], featureRows: Float32Array, anchor: number, window: number, horizon: number): DatasetSample {
  const anchorCandle = candles[anchor]!;
  const targetLogReturns: number[] = [];
  const targetCloses: number[] = [];
  for (let h = 0; h < horizon; h++) {
    const close = candles[anchor + h + 1]!.close;
    targetCloses.push(close);
    targetLogReturns.push(Math.log(close / anchorCandle.close));
  }
  return {
    anchorIndex: anchor,
    anchorTime: anchorCandle.time,
    anchorClose: anchorCandle.close,
    features: featureRows.subarray((anchor - window + 1) * FEATURE_COUNT, (anchor + 1) * FEATURE_COUNT),
    targetLogReturns,
    targetCloses,
  };
}
