import type { IntervalFallback } from '../../../core/interval-fallback.ts';
import { medianIndex } from '../../../core/model-weights.ts';
import { empiricalQuantile } from '../backtest/residual-intervals.ts';

/** Candidate weights of the network's interval; a coarse grid cannot overfit the validation split. */
const MODEL_WEIGHTS = Array.from({ length: 11 }, (_, i) => i / 10);

/** Validation forecasts (already calibrated) and outcomes, plus the training outcomes naive's interval comes from. */
export interface IntervalFallbackInput {
  /** Calibrated validation forecasts [n, horizon, Q] of cumulative log returns. */
  readonly predictions: Float32Array;
  /** Realised validation cumulative log returns [n, horizon]. */
  readonly actual: Float32Array;
  /** Realised training cumulative log returns [nTrain, horizon]: naive's empirical interval. */
  readonly trainActual: Float32Array;
  readonly horizon: number;
  readonly quantiles: readonly number[];
}

/**
 * Per step, the weight w of the network's interval against naive persistence's empirical one (quantiles of
 * the training split's cumulative log returns) that gives the lowest validation Winkler score of the outer
 * pair, scored in log-return units; on a tie the network's own interval (larger w) is kept. Where the network's
 * interval has no edge over naive's on validation, the served interval falls back toward naive's.
 */
export function fitIntervalFallback(input: IntervalFallbackInput): IntervalFallback {
  const { predictions, actual, trainActual, horizon, quantiles } = input;
  const q = quantiles.length;
  const n = actual.length / horizon;
  const nTrain = trainActual.length / horizon;
  if (q < 2) return { modelWeight: Array.from({ length: horizon }, () => 1), naiveOffset: Array.from({ length: horizon }, () => 0) };
  if (!Number.isInteger(n) || n === 0 || predictions.length !== n * horizon * q || !Number.isInteger(nTrain) || nTrain === 0) {
    throw new RangeError(`interval fallback: predictions [${predictions.length}], actual [${actual.length}] and training outcomes [${trainActual.length}] do not fit horizon ${horizon} and ${q} quantiles`);
  }
  const m = medianIndex(quantiles);
  const penalty = 2 / (1 - (quantiles[q - 1]! - quantiles[0]!));
  const modelWeight: number[] = [];
  const naiveOffset: number[] = [];
  for (let h = 0; h < horizon; h++) {
    const sorted = Array.from({ length: nTrain }, (_, i) => trainActual[i * horizon + h]!).sort((a, b) => a - b);
    const offsets = quantiles.map((level, k) => (k === m ? 0 : empiricalQuantile(sorted, level)));
    naiveOffset.push(...offsets);
    let best = 1;
    let bestScore = Infinity;
    // From w = 1 down, so a tie keeps the network's interval.
    for (const w of [...MODEL_WEIGHTS].reverse()) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const row = (i * horizon + h) * q;
        const centre = predictions[row + m]!;
        const lower = centre + w * (predictions[row]! - centre) + (1 - w) * offsets[0]!;
        const upper = centre + w * (predictions[row + q - 1]! - centre) + (1 - w) * offsets[q - 1]!;
        const y = actual[i * horizon + h]!;
        total += upper - lower + (y < lower ? penalty * (lower - y) : 0) + (y > upper ? penalty * (y - upper) : 0);
      }
      if (bestScore === Infinity || total < bestScore - 1e-12 * Math.abs(bestScore)) {
        best = w;
        bestScore = total;
      }
    }
    modelWeight.push(best);
  }
  return { modelWeight, naiveOffset };
}
