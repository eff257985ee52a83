import { hostname } from 'node:os';
import { envBoolean, envInteger, envLogLevel, envText, requiredEnvText, type Env } from '../core/env.ts';
import { BadInputError } from '../core/errors.ts';
import { deepFreeze, firstProblem } from '../core/spec.ts';
import type { TSchema } from 'typebox';
import { ResourceRequirementsSchema, type ResourceRequirements } from '../core/crd/kubernetes-types.ts';
import { PodPlacementSchema, type PodPlacement } from '../core/crd/pod-placement.ts';

/** Everything the operator is configured with, parsed once from the environment at start. */
export interface OperatorConfig {
  /** Namespaces whose ForecastModels are reconciled; empty means every namespace. */
  readonly watchNamespaces: readonly string[];
  /** Namespace the operator runs in (holds the leader-election Lease). */
  readonly operatorNamespace: string;
  readonly trainerImage: string;
  readonly serverImage: string;
  readonly imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Secret (in each watched namespace) with S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY for trainers and servers. */
  readonly s3SecretName: string;
  /** Where artifacts go: `s3://bucket/prefix/`; runs write under `<namespace>/<forecastmodel>/<run>/`. */
  readonly artifactBaseUri: string;
  /** API-token Secret mounted into inference pods when a ForecastModel names none. */
  readonly tokenSecretName: string;
  /** Seconds a finished trainer Job is kept before Kubernetes deletes it. */
  readonly jobTtlSeconds: number;
  readonly trainerResources: ResourceRequirements;
  readonly serverResources: ResourceRequirements;
  /** Placement and identity of trainer pods, per field, when a ForecastModel's spec.training gives none. */
  readonly trainingDefaults: PodPlacement;
  /** Placement and identity of inference pods, per field, when a ForecastModel's spec.serving gives none. */
  readonly servingDefaults: PodPlacement;
  readonly clusterDomain: string;
  /** Reconciles in flight at once, per controller. */
  readonly workers: number;
  /** Seconds between full relists, the safety net behind watches. */
  readonly resyncSeconds: number;
  /** Seconds between scrapes of the inference services' live record, for ForecastModels with spec.training.retrainWhen. */
  readonly liveScrapeSeconds: number;
  /** Seconds one scrape of an inference service's /metrics may take. */
  readonly liveScrapeTimeoutSeconds: number;
  /** Port of /healthz, /readyz and /metrics. */
  readonly httpPort: number;
  readonly leaderElection: {
    readonly enabled: boolean;
    readonly leaseName: string;
    readonly identity: string;
    readonly leaseDurationSeconds: number;
    readonly retryPeriodSeconds: number;
  };
  readonly logLevel: string;
}

/** A JSON variable checked against the CRD schema of the field it defaults, so a typo fails at start. */
function jsonSetting<T>(env: Env, name: string, schema: TSchema, fallback: T, example: string): T {
  const raw = envText(env, name);
  if (raw === undefined) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new BadInputError(`${name} must be JSON like ${example}`, name, { cause: error });
  }
  const problem = firstProblem(schema, value, name);
  if (problem) throw new BadInputError(`${problem.field}: ${problem.message}`, problem.field);
  return value as T;
}

function resources(env: Env, name: string, fallback: ResourceRequirements): ResourceRequirements {
  return jsonSetting(env, name, ResourceRequirementsSchema, fallback, '{"requests":{"cpu":"1"}}');
}

function placement(env: Env, name: string): PodPlacement {
  return jsonSetting<PodPlacement>(env, name, PodPlacementSchema, {}, '{"nodeSelector":{"pool":"ml"},"priorityClassName":"batch"}');
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parse and freeze the operator configuration; throws BadInputError naming the offending variable. */
export function parseOperatorConfig(env: Env): Readonly<OperatorConfig> {
  const watchNamespaces = (env.MUR_WATCH_NAMESPACES ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  for (const namespace of watchNamespaces) {
    if (!DNS_LABEL.test(namespace)) throw new BadInputError(`MUR_WATCH_NAMESPACES: "${namespace}" is not a namespace name`, 'MUR_WATCH_NAMESPACES');
  }
  const pullPolicy = envText(env, 'MUR_IMAGE_PULL_POLICY') ?? 'IfNotPresent';
  if (pullPolicy !== 'Always' && pullPolicy !== 'IfNotPresent' && pullPolicy !== 'Never') {
    throw new BadInputError(`MUR_IMAGE_PULL_POLICY must be Always, IfNotPresent or Never, got "${pullPolicy}"`, 'MUR_IMAGE_PULL_POLICY');
  }
  const artifactBaseUri = envText(env, 'MUR_ARTIFACT_BASE_URI') ?? 's3://mur-models/';
  if (!/^(s3:\/\/[^/]+|file:\/\/\/.*)/.test(artifactBaseUri)) {
    throw new BadInputError(`MUR_ARTIFACT_BASE_URI must look like s3://bucket/ or file:///path/, got "${artifactBaseUri}"`, 'MUR_ARTIFACT_BASE_URI');
  }
  return deepFreeze({
    watchNamespaces,
    operatorNamespace: envText(env, 'MUR_OPERATOR_NAMESPACE') ?? envText(env, 'POD_NAMESPACE') ?? 'make-us-rich',
    trainerImage: requiredEnvText(env, 'MUR_TRAINER_IMAGE'),
    serverImage: requiredEnvText(env, 'MUR_SERVER_IMAGE'),
    imagePullPolicy: pullPolicy,
    s3SecretName: envText(env, 'MUR_S3_SECRET_NAME') ?? 'mur-s3',
    artifactBaseUri: artifactBaseUri.endsWith('/') ? artifactBaseUri : `${artifactBaseUri}/`,
    tokenSecretName: envText(env, 'MUR_TOKEN_SECRET_NAME') ?? 'mur-api-tokens',
    jobTtlSeconds: envInteger(env, 'MUR_JOB_TTL_SECONDS', 86_400, { min: 0, max: 31_536_000 }),
    trainerResources: resources(env, 'MUR_TRAINER_RESOURCES', { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } }),
    serverResources: resources(env, 'MUR_SERVER_RESOURCES', { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } }),
    trainingDefaults: placement(env, 'MUR_TRAINING_DEFAULTS'),
    servingDefaults: placement(env, 'MUR_SERVING_DEFAULTS'),
    clusterDomain: envText(env, 'MUR_CLUSTER_DOMAIN') ?? 'cluster.local',
    workers: envInteger(env, 'MUR_WORKERS', 16, { min: 1, max: 256 }),
    resyncSeconds: envInteger(env, 'MUR_RESYNC_SECONDS', 300, { min: 1, max: 86_400 }),
    liveScrapeSeconds: envInteger(env, 'MUR_LIVE_SCRAPE_SECONDS', 60, { min: 1, max: 86_400 }),
    liveScrapeTimeoutSeconds: envInteger(env, 'MUR_LIVE_SCRAPE_TIMEOUT_SECONDS', 5, { min: 1, max: 300 }),
    httpPort: envInteger(env, 'MUR_HTTP_PORT', 8081, { min: 0, max: 65_535 }),
    leaderElection: {
      enabled: envBoolean(env, 'MUR_LEADER_ELECT', true),
      leaseName: envText(env, 'MUR_LEASE_NAME') ?? 'make-us-rich-operator',
      identity: envText(env, 'MUR_POD_NAME') ?? envText(env, 'HOSTNAME') ?? hostname(),
      leaseDurationSeconds: envInteger(env, 'MUR_LEASE_DURATION_SECONDS', 15, { min: 2, max: 300 }),
      retryPeriodSeconds: envInteger(env, 'MUR_LEASE_RETRY_SECONDS', 2, { min: 1, max: 60 }),
    },
    logLevel: envLogLevel(env, 'info', 'MUR_LOG_LEVEL'),
  });
}
