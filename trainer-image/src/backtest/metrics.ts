// The error measures live in core/ because the inference service's live track record scores with them too.
export {
  directionalScore,
  type DirectionalScore,
  intervalCoverage,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  rootMeanSquaredError,
  winklerScore,
} from '../../../core/forecast-metrics.ts';
