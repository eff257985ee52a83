import type { V1Deployment, V1ObjectMeta, V1PodDisruptionBudget, V1Service } from '@kubernetes/client-node';
import { API_GROUP_VERSION, FORECAST_MODEL_NAMES } from '../../core/crd/group.ts';
import type { ServedModel } from '../../core/crd/forecast-model.ts';
import type { ResourceRequirements } from '../../core/crd/kubernetes-types.ts';
import type { PodPlacement } from '../../core/crd/pod-placement.ts';
import type { ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import { controllerReference, type DeploymentObject, type ForecastModelObject } from '../kube/objects.ts';
import { ANNOTATIONS, LABELS, MANAGED_BY, labelValue, servingName, shortHash } from '../naming.ts';
import { effectivePlacement, placementPodFields, podAnnotations, podLabels } from './pod-placement.ts';
import { containerResources } from './resources.ts';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from './security.ts';

/** Port the inference server listens on inside the pod. */
export const SERVER_PORT = 8080;
/** Where the API-token Secret is mounted; the server re-reads the files, so rotation needs no restart. */
export const TOKEN_DIR = '/var/run/secrets/makeusrich/tokens';
/** Name of the inference container. */
export const SERVER_CONTAINER = 'server';
/** Environment variable of the inference container naming the artifact folder it serves. */
export const MODEL_URI_ENV = 'MODEL_URI';

/** What the inference objects need beyond the ForecastModel and its served model. */
export interface InferenceOptions {
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly s3SecretName: string;
  readonly tokenSecretName: string;
  readonly defaultResources: ResourceRequirements;
  readonly clusterDomain: string;
  /** Operator-wide placement and identity of inference pods, per field, when spec.serving sets none. */
  readonly defaultPlacement?: PodPlacement;
}

/** Labels the inference Deployment, Service and PodDisruptionBudget select pods by. */
export function selectorLabels(fm: ForecastModelObject): Record<string, string> {
  return { [LABELS.name]: 'mur-inference', [LABELS.instance]: servingName(fm.metadata.name) };
}

/** Labels of every inference object and pod. */
export function commonLabels(fm: ForecastModelObject): Record<string, string> {
  return {
    ...selectorLabels(fm),
    [LABELS.component]: 'inference',
    [LABELS.partOf]: 'make-us-rich',
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.forecastModel]: labelValue(fm.metadata.name),
  };
}

/** Record the hash of the desired object in its own annotations, so "nothing changed" costs no write. */
export function withDesiredHash<T extends { metadata?: V1ObjectMeta }>(object: T): T {
  const hash = shortHash(object, 16);
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata?.annotations, [ANNOTATIONS.desiredHash]: hash } } };
}

/** The desired-hash annotation of an object, if it has one. */
export function desiredHashOf(object: unknown): string | undefined {
  return (object as { metadata?: { annotations?: Record<string, string> } } | undefined)?.metadata?.annotations?.[ANNOTATIONS.desiredHash];
}

/** The inference Deployment serving `model`: rolling update without losing capacity, probes on /readyz and /healthz. */
export function buildInferenceDeployment(fm: ForecastModelObject, spec: ResolvedForecastModelSpec, model: ServedModel, options: InferenceOptions, pinnedRun?: string): V1Deployment {
  const labels = commonLabels(fm);
  const tokenSecret = spec.serving.tokenSecretRef?.name ?? options.tokenSecretName;
  const placement = effectivePlacement(spec.serving, options.defaultPlacement ?? {});
  return withDesiredHash<V1Deployment>({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: servingName(fm.metadata.name),
      namespace: fm.metadata.namespace,
      labels,
      ...(pinnedRun ? { annotations: { [ANNOTATIONS.pinnedRun]: pinnedRun } } : {}),
      ownerReferences: [controllerReference(fm, API_GROUP_VERSION, FORECAST_MODEL_NAMES.kind)],
    },
    spec: {
      // While autoscaling the HorizontalPodAutoscaler owns the count: leaving it out keeps the desired hash
      // (and so the operator) from reacting to its scaling; the reconciler keeps the live value on replace.
      ...(spec.serving.autoscaling ? {} : { replicas: spec.serving.replicas }),
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(fm) },
      // Never drop below the wanted replica count while a new model rolls out.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: podLabels(placement, labels), annotations: podAnnotations(placement, { [ANNOTATIONS.modelVersion]: model.version })! },
        spec: {
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(),
          ...placementPodFields(placement, selectorLabels(fm)),
          containers: [
            {
              name: SERVER_CONTAINER,
              image: options.image,
              imagePullPolicy: options.imagePullPolicy,
              ports: [{ name: 'http', containerPort: SERVER_PORT }],
              env: [
                { name: MODEL_URI_ENV, value: model.uri },
                { name: 'MODEL_VERSION', value: model.version },
                { name: 'PORT', value: String(SERVER_PORT) },
                { name: 'TOKEN_DIR', value: TOKEN_DIR },
              ],
              envFrom: [{ secretRef: { name: options.s3SecretName } }],
              resources: containerResources(spec.serving.resources ?? options.defaultResources),
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
              startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: 'tokens', mountPath: TOKEN_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'tokens', secret: { secretName: tokenSecret, defaultMode: 0o440 } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  });
}

/** The model version and artifact URI an inference Deployment's pod template serves, read back from where buildInferenceDeployment put them. */
export function deployedModelOf(deployment: DeploymentObject | undefined): { readonly version: string; readonly uri: string } | undefined {
  const template = deployment?.spec?.template;
  const version = template?.metadata?.annotations?.[ANNOTATIONS.modelVersion];
  const uri = template?.spec?.containers?.find((c) => c.name === SERVER_CONTAINER)?.env?.find((e) => e.name === MODEL_URI_ENV)?.value;
  return version && uri ? { version, uri } : undefined;
}

/** The ClusterIP Service in front of the inference pods (port 80). */
export function buildInferenceService(fm: ForecastModelObject): V1Service {
  return withDesiredHash<V1Service>({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: servingName(fm.metadata.name),
      namespace: fm.metadata.namespace,
      labels: commonLabels(fm),
      ownerReferences: [controllerReference(fm, API_GROUP_VERSION, FORECAST_MODEL_NAMES.kind)],
    },
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(fm),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

/** A PodDisruptionBudget letting node drains take one inference pod at a time; only when the replica floor (replicas or minReplicas) is above 1. */
export function buildInferenceDisruptionBudget(fm: ForecastModelObject, spec: ResolvedForecastModelSpec): V1PodDisruptionBudget | undefined {
  // Under autoscaling spec.serving.replicas is resolved to minReplicas, the count the autoscaler never goes below.
  if (spec.serving.replicas <= 1) return undefined;
  return withDesiredHash<V1PodDisruptionBudget>({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: servingName(fm.metadata.name),
      namespace: fm.metadata.namespace,
      labels: commonLabels(fm),
      ownerReferences: [controllerReference(fm, API_GROUP_VERSION, FORECAST_MODEL_NAMES.kind)],
    },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(fm) } },
  });
}

/** In-cluster URL of a ForecastModel's inference Service. */
export function inferenceEndpoint(fm: ForecastModelObject, clusterDomain: string): string {
  return `http://${servingName(fm.metadata.name)}.${fm.metadata.namespace}.svc.${clusterDomain}`;
}
