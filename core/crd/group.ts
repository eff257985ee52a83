/** API group of the platform's custom resources. */
export const API_GROUP = 'forecasting.makeusrich.io';
/** Served and stored version of the custom resources. */
export const API_VERSION = 'v1alpha1';
/** apiVersion field value of the custom resources. */
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;
/** kubectl category grouping both kinds (`kubectl get makeusrich`). */
export const CATEGORY = 'makeusrich';

/** Names of the ForecastModel resource as the API server knows it. */
export const FORECAST_MODEL_NAMES = {
  kind: 'ForecastModel',
  listKind: 'ForecastModelList',
  plural: 'forecastmodels',
  singular: 'forecastmodel',
  shortNames: ['fm'],
  categories: [CATEGORY],
} as const;

/** Names of the TrainingRun resource as the API server knows it. */
export const TRAINING_RUN_NAMES = {
  kind: 'TrainingRun',
  listKind: 'TrainingRunList',
  plural: 'trainingruns',
  singular: 'trainingrun',
  shortNames: ['tr'],
  categories: [CATEGORY],
} as const;
