import type { TSchema } from 'typebox';
import { ForecastModelSpecSchema, ForecastModelStatusSchema } from './forecast-model.ts';
import { API_GROUP, API_VERSION, FORECAST_MODEL_NAMES, TRAINING_RUN_NAMES } from './group.ts';
import { toStructuralSchema, type OpenApiSchema } from './openapi.ts';
import { TrainingRunSpecSchema, TrainingRunStatusSchema } from './training-run.ts';

/** A column of `kubectl get` output. */
interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

/** Columns of `kubectl get fm`; priority 1 columns appear with `-o wide`. */
export const FORECAST_MODEL_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Symbol', type: 'string', jsonPath: '.spec.market.symbol' },
  { name: 'Exchange', type: 'string', jsonPath: '.spec.market.exchange' },
  { name: 'Model', type: 'string', jsonPath: '.status.model.version', description: 'served model version' },
  { name: 'Skill', type: 'number', jsonPath: '.status.model.skillVsNaive', description: 'skill vs naive persistence of the served model' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Timeframe', type: 'string', jsonPath: '.spec.market.timeframe', priority: 1 },
  // A string column: kubectl renders future dates of a date column as <invalid>.
  { name: 'Next Training', type: 'string', jsonPath: '.status.nextTrainingAt', priority: 1 },
  { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', priority: 1 },
];

/** Columns of `kubectl get tr`. */
export const TRAINING_RUN_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Forecast Model', type: 'string', jsonPath: '.spec.forecastModel' },
  { name: 'Reason', type: 'string', jsonPath: '.spec.reason' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Skill', type: 'number', jsonPath: '.status.metrics.skillVsNaive' },
  { name: 'Promoted', type: 'boolean', jsonPath: '.status.promoted' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Job', type: 'string', jsonPath: '.status.jobName', priority: 1 },
  { name: 'MASE', type: 'number', jsonPath: '.status.metrics.mase', priority: 1 },
];

interface KindDefinition {
  readonly names: typeof FORECAST_MODEL_NAMES | typeof TRAINING_RUN_NAMES;
  readonly spec: TSchema;
  readonly status: TSchema;
  readonly columns: readonly PrinterColumn[];
  readonly description: string;
}

function customResourceDefinition(kind: KindDefinition): Record<string, unknown> {
  const schema: OpenApiSchema = {
    type: 'object',
    description: kind.description,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: toStructuralSchema(kind.spec),
      status: toStructuralSchema(kind.status),
    },
    required: ['spec'],
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.names.plural}.${API_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'make-us-rich' } },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: { ...kind.names, shortNames: [...kind.names.shortNames], categories: [...kind.names.categories] },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: kind.columns,
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}

/** The ForecastModel CustomResourceDefinition, generated from the TypeBox schemas. */
export function forecastModelDefinition(): Record<string, unknown> {
  return customResourceDefinition({
    names: FORECAST_MODEL_NAMES,
    spec: ForecastModelSpecSchema,
    status: ForecastModelStatusSchema,
    columns: FORECAST_MODEL_COLUMNS,
    description: 'A market to forecast: the operator trains a model for it, backtests it, and serves it while it earns its place',
  });
}

/** The TrainingRun CustomResourceDefinition, generated from the TypeBox schemas. */
export function trainingRunDefinition(): Record<string, unknown> {
  return customResourceDefinition({
    names: TRAINING_RUN_NAMES,
    spec: TrainingRunSpecSchema,
    status: TrainingRunStatusSchema,
    columns: TRAINING_RUN_COLUMNS,
    description: 'One training of a forecaster; create one by hand to ask for a retrain',
  });
}
