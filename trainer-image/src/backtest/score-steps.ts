import type { StepMetrics } from '../../../core/backtest.ts';
import { intervalCoverage, meanAbsoluteError, meanAbsolutePercentageError, rootMeanSquaredError, winklerScore } from './metrics.ts';
import { directionalScore } from './metrics.ts';
import type { ForecastSeries } from './forecast-series.ts';
import { roundSignificant } from './significant.ts';

/** Outcomes of some samples: actual closes [step][sample] and the anchor closes the forecasts start from. */
export interface Outcomes {
  readonly actual: readonly Float64Array[];
  readonly origin: Float64Array;
}

/** Per-step metrics of one forecaster; MASE divides by `naiveMae` of the same samples. */
export function scoreSteps(series: ForecastSeries, outcomes: Outcomes, naiveMae: readonly number[], intervalLevel: number | null): StepMetrics[] {
  return outcomes.actual.map((outcome, h) => {
    const point = series.point[h]!;
    const mae = meanAbsoluteError(point, outcome);
    const lower = series.interval?.lower[h];
    const upper = series.interval?.upper[h];
    const hasInterval = lower !== undefined && upper !== undefined && intervalLevel !== null;
    const direction = directionalScore(point, outcome, outcomes.origin);
    return {
      step: h + 1,
      mae: roundSignificant(mae),
      rmse: roundSignificant(rootMeanSquaredError(point, outcome)),
      mape: roundSignificant(meanAbsolutePercentageError(point, outcome)),
      mase: roundSignificant(mae / naiveMae[h]!),
      directionalAccuracy: direction.accuracy === null ? null : roundSignificant(direction.accuracy),
      directionalCount: direction.count,
      directionalShare: roundSignificant(direction.share),
      coverage: hasInterval ? roundSignificant(intervalCoverage(lower, upper, outcome)) : null,
      winkler: hasInterval ? roundSignificant(winklerScore(lower, upper, outcome, intervalLevel)) : null,
    };
  });
}
