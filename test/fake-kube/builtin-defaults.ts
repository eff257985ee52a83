import type { StatusCause } from './api-error.ts';
import { isJsonObject, jsonEqual, type JsonObject, type KubeObject } from './types.ts';

/*
 * The handful of server-side defaults and validations of built-in kinds that an operator can observe
 * (and so must not be surprised by on a real cluster). Everything else of the real built-in
 * validation is out of scope: built-in objects are otherwise stored as sent.
 */

function objectAt(parent: JsonObject, key: string): JsonObject {
  const existing = parent[key];
  if (isJsonObject(existing)) return existing;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

function setDefault(target: JsonObject, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

function defaultContainers(containers: unknown): void {
  if (!Array.isArray(containers)) return;
  for (const container of containers) {
    if (!isJsonObject(container)) continue;
    setDefault(container, 'terminationMessagePath', '/dev/termination-log');
    setDefault(container, 'terminationMessagePolicy', 'File');
    const image = typeof container.image === 'string' ? container.image : '';
    const tag = /:([^/:@]+)$/.exec(image)?.[1];
    setDefault(container, 'imagePullPolicy', tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent');
  }
}

/** Pod spec defaults the apiserver fills in (restart policy, DNS policy, container message path…). */
function defaultPodSpec(spec: JsonObject): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

/** Pod create defaults. */
export function defaultPod(pod: KubeObject): void {
  defaultPodSpec(objectAt(pod, 'spec'));
}

/** Returns a ClusterIP allocator handing out 10.96.0.0/12 addresses in order. */
export function createClusterIpAllocator(): () => string {
  let next = 1;
  return () => {
    const n = next++;
    return `10.96.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  };
}

/** Service create defaults: type, ClusterIP, session affinity, port protocol and targetPort. */
export function defaultService(service: KubeObject, allocateClusterIp: () => string): void {
  const spec = objectAt(service, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) spec.clusterIP = allocateClusterIp();
  if (typeof spec.clusterIP === 'string') setDefault(spec, 'clusterIPs', [spec.clusterIP]);
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (!isJsonObject(port)) continue;
      setDefault(port, 'protocol', 'TCP');
      setDefault(port, 'targetPort', port.port);
    }
  }
}

/** Deployment create defaults (replicas, strategy, history limit, progress deadline, pod template). */
export function defaultDeployment(deployment: KubeObject): void {
  const spec = objectAt(deployment, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  setDefault(spec, 'strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
  defaultPodSpec(objectAt(objectAt(spec, 'template'), 'spec'));
}

/**
 * Job create defaults, including the generated selector and the `job-name` / `controller-uid`
 * labels on the pod template that Pods of the Job are found by.
 */
export function defaultJob(job: KubeObject): void {
  const spec = objectAt(job, 'spec');
  if (spec.parallelism === undefined && spec.completions === undefined) spec.completions = 1;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  const template = objectAt(spec, 'template');
  const templateMeta = objectAt(template, 'metadata');
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  if (spec.manualSelector !== true) {
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    templateMeta.labels = {
      ...(isJsonObject(templateMeta.labels) ? templateMeta.labels : {}),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
  }
  defaultPodSpec(objectAt(template, 'spec'));
}

/** Job create validation: the pod template must not restart forever. */
export function validateJobCreate(job: KubeObject): StatusCause[] {
  const spec = isJsonObject(job.spec) ? job.spec : {};
  const template = isJsonObject(spec.template) ? spec.template : {};
  const podSpec = isJsonObject(template.spec) ? template.spec : {};
  const policy = podSpec.restartPolicy;
  if (policy === 'Never' || policy === 'OnFailure') return [];
  return [
    {
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "OnFailure", "Never"`,
      field: 'spec.template.spec.restartPolicy',
    },
  ];
}

function immutable(previous: unknown, next: unknown, field: string): StatusCause[] {
  if (jsonEqual(previous, next)) return [];
  return [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(next)}: field is immutable`, field }];
}

function specOf(object: KubeObject): JsonObject {
  return isJsonObject(object.spec) ? object.spec : {};
}

/** Job update validation: selector, template and completions are immutable. */
export function validateJobUpdate(previous: KubeObject, next: KubeObject): StatusCause[] {
  const before = specOf(previous);
  const after = specOf(next);
  return [
    ...immutable(before.selector, after.selector, 'spec.selector'),
    ...immutable(before.template, after.template, 'spec.template'),
    ...immutable(before.completions, after.completions, 'spec.completions'),
  ];
}

/** Deployment update validation: apps/v1 selectors are immutable. */
export function validateDeploymentUpdate(previous: KubeObject, next: KubeObject): StatusCause[] {
  return immutable(specOf(previous).selector, specOf(next).selector, 'spec.selector');
}

/** Secret create defaults: type Opaque, `stringData` folded into base64 `data`. */
export function defaultSecret(secret: KubeObject): void {
  if (!secret.type) secret.type = 'Opaque';
  foldStringData(secret);
}

/** Moves `stringData` into `data` (base64), as the apiserver does on every write. */
export function foldStringData(secret: KubeObject): void {
  const stringData = secret.stringData;
  if (!isJsonObject(stringData)) return;
  const data = isJsonObject(secret.data) ? { ...secret.data } : {};
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value)).toString('base64');
  secret.data = data;
  delete secret.stringData;
}

/** ConfigMap/Secret update validation: `immutable: true` freezes data. */
export function validateImmutableData(previous: KubeObject, next: KubeObject): StatusCause[] {
  if (previous.immutable !== true) return [];
  return [
    ...immutable(previous.data, next.data, 'data'),
    ...immutable(previous.binaryData, next.binaryData, 'binaryData'),
    ...(next.immutable === true ? [] : immutable(true, next.immutable, 'immutable')),
  ];
}

/** Namespace create defaults: the `kubernetes` finalizer and the metadata.name label. */
export function defaultNamespace(namespace: KubeObject): void {
  const spec = objectAt(namespace, 'spec');
  setDefault(spec, 'finalizers', ['kubernetes']);
  namespace.metadata.labels = {
    ...namespace.metadata.labels,
    'kubernetes.io/metadata.name': namespace.metadata.name ?? '',
  };
}
