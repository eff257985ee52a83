import { createHash } from 'node:crypto';

/** Label and annotation keys the operator writes. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  partOf: 'app.kubernetes.io/part-of',
  forecastModel: 'forecasting.makeusrich.io/forecast-model',
  trainingRun: 'forecasting.makeusrich.io/training-run',
} as const;

/** Value of app.kubernetes.io/managed-by on everything the operator creates; its informers select on it. */
export const MANAGED_BY = 'make-us-rich-operator';

/** Annotation keys. */
export const ANNOTATIONS = {
  /** Hash of the desired state an owned object was last written from; equal hash means nothing to update. */
  desiredHash: 'forecasting.makeusrich.io/desired-hash',
  /** Hash of the market and model settings a TrainingRun trains. */
  specHash: 'forecasting.makeusrich.io/spec-hash',
  /** Model version in the inference pod template, so a new model rolls the pods. */
  modelVersion: 'forecasting.makeusrich.io/model-version',
  /**
   * On the inference Deployment (not its pod template, so pinning the served run rolls nothing): the pinned run
   * it serves. It tells a later pass, even after a crash, that unpinning must return to the newest promoted run.
   */
  pinnedRun: 'forecasting.makeusrich.io/pinned-run',
  /** Set to "true" on a TrainingRun to promote its model by hand. */
  promote: 'forecasting.makeusrich.io/promote',
  /** When the operator created a run, in milliseconds (creationTimestamp has whole seconds only). */
  createdAt: 'forecasting.makeusrich.io/created-at',
  /** The cron slot a scheduled run was created for. */
  scheduledFor: 'forecasting.makeusrich.io/scheduled-for',
} as const;

/** Finalizer on TrainingRuns: their artifacts are removed from object storage before they go. */
export const ARTIFACT_FINALIZER = 'forecasting.makeusrich.io/artifacts';

/** JSON with object keys sorted, so equal values always hash equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** First `length` hex characters of the SHA-256 of the canonical JSON of `parts`. */
export function shortHash(parts: unknown, length = 10): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, length);
}

/** `name` cut to at most `max` characters without a trailing dash or dot. */
function cut(name: string, max: number): string {
  return name.slice(0, max).replace(/[-.]+$/, '');
}

/** Name of a TrainingRun the operator creates: the ForecastModel name and a hash of what triggered it. */
export function trainingRunName(forecastModel: string, trigger: unknown): string {
  return `${cut(forecastModel, 52)}-${shortHash(trigger)}`;
}

/** Name of the trainer Job of a run (`<run>-train`), kept within the 63 characters a Job name may have. */
export function trainingJobName(run: string): string {
  const plain = `${run}-train`;
  return plain.length <= 63 ? plain : `${cut(run, 45)}-${shortHash(run, 10)}-train`;
}

/** Name of the inference Deployment, Service and PodDisruptionBudget: a DNS-1035 label derived from the ForecastModel. */
export function servingName(forecastModel: string): string {
  const label = `${forecastModel.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-forecast`;
  const prefixed = /^[a-z]/.test(label) ? label : `fm-${label}`;
  return prefixed.length <= 63 ? prefixed : `${cut(prefixed, 43)}-${shortHash(forecastModel, 10)}-fc`;
}

/** A string safe as a label value: at most 63 characters, alphanumeric at both ends. */
export function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '-');
  const short = cleaned.length <= 63 ? cleaned : `${cleaned.slice(0, 52)}-${shortHash(value, 10)}`;
  return short.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

/** Object-storage URI of a run's artifact folder: `<base><namespace>/<forecastmodel>/<run>/`. */
export function artifactUri(baseUri: string, namespace: string, forecastModel: string, run: string): string {
  const base = baseUri.endsWith('/') ? baseUri : `${baseUri}/`;
  return `${base}${namespace}/${forecastModel}/${run}/`;
}
