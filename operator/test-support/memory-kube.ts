/** An in-memory API server and informers, for the operator's unit tests that drive a reconciler end to end. */
import type { Informer } from '../kube/informer.ts';
import type { OperatorInformers } from '../kube/informers.ts';
import { objectKey, type KubeObject, type PodObject, type TrainingRunObject } from '../kube/objects.ts';
import { RESOURCES, resourcePath, type ResourceType } from '../kube/resources.ts';
import { KubeApiError, type KubeRest, type ObjectList } from '../kube/rest-client.ts';

/** One request the memory API server answered. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
}

/** A KubeRest over an in-memory object store, recording every request. */
export interface MemoryRest extends KubeRest {
  readonly requests: RecordedRequest[];
  /** Store an object as if someone else had created it. */
  seed(collectionPath: string, object: KubeObject): void;
  /** Every stored object, as a restarted operator would list them. */
  stored(): KubeObject[];
}

type Json = Record<string, unknown>;

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Json = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [key, value] of Object.entries(patch as Json)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** An API server in memory: objects live at their REST paths; a `/status` path patches the object itself. */
export function createMemoryRest(): MemoryRest {
  const objects = new Map<string, KubeObject>();
  const requests: RecordedRequest[] = [];
  let version = 100;
  const fail = (status: number, reason: string, path: string) => new KubeApiError(`${path}: ${status} ${reason}`, status, reason);
  const objectPath = (path: string) => path.replace(/\/status$/, '');
  const stamp = <T>(object: unknown) => {
    const o = object as KubeObject;
    return { ...o, metadata: { ...o.metadata, resourceVersion: String(++version) } } as T;
  };
  const store = <T>(path: string, object: unknown): T => {
    const stored = stamp<KubeObject>(object);
    objects.set(path, stored);
    return structuredClone(stored) as T;
  };

  return {
    requests,
    seed(collectionPath, object) {
      objects.set(`${collectionPath}/${object.metadata.name}`, object);
    },
    stored: () => [...objects.values()].map((o) => structuredClone(o)),
    async get<T>(path: string) {
      requests.push({ method: 'GET', path });
      const object = objects.get(path);
      if (!object) throw fail(404, 'NotFound', path);
      return structuredClone(object) as T;
    },
    async list<T>(path: string, query?: Readonly<Record<string, string>>) {
      requests.push({ method: 'GET', path, ...(query ? { query } : {}) });
      const [key, value] = (query?.labelSelector ?? '').split('=');
      const items = [...objects].filter(([p, o]) => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/') && (!key || o.metadata.labels?.[key] === value)).map(([, o]) => structuredClone(o));
      return { items, metadata: { resourceVersion: String(version) } } as ObjectList<T>;
    },
    async create<T>(path: string, body: unknown) {
      requests.push({ method: 'POST', path });
      const target = `${path}/${(body as KubeObject).metadata.name}`;
      if (objects.has(target)) throw fail(409, 'AlreadyExists', target);
      return store<T>(target, body);
    },
    async replace<T>(path: string, body: unknown) {
      requests.push({ method: 'PUT', path });
      if (!objects.has(path)) throw fail(404, 'NotFound', path);
      return store<T>(path, body);
    },
    async patch<T>(path: string, body: unknown) {
      requests.push({ method: 'PATCH', path });
      const target = objectPath(path);
      const current = objects.get(target);
      if (!current) throw fail(404, 'NotFound', path);
      return store<T>(target, mergePatch(current, body));
    },
    async delete(path: string) {
      requests.push({ method: 'DELETE', path });
      if (!objects.delete(path)) throw fail(404, 'NotFound', path);
    },
  };
}

/** An informer over a fixed set of objects, with the index the operator's TrainingRun informer keeps. */
export function createMemoryInformer<T extends KubeObject>(resource: ResourceType, initial: readonly T[] = [], indexBy?: (object: T) => string | undefined): Informer<T> {
  const cache = new Map(initial.map((o) => [objectKey(o.metadata.namespace, o.metadata.name), o]));
  return {
    resource,
    start: async () => undefined,
    stop: () => undefined,
    relist: () => undefined,
    get: (namespace, name) => cache.get(objectKey(namespace, name)),
    list: () => [...cache.values()],
    byIndex: (value) => [...cache.values()].filter((o) => indexBy?.(o) === value),
    upsert: (object) => void cache.set(objectKey(object.metadata.namespace, object.metadata.name), object),
    remove: (namespace, name) => void cache.delete(objectKey(namespace, name)),
  };
}

/** The operator's informers in memory, filled with `objects` by kind. */
export function createMemoryInformers(objects: readonly KubeObject[]): OperatorInformers {
  const of = <T extends KubeObject>(resource: ResourceType, indexBy?: (object: T) => string | undefined) =>
    createMemoryInformer<T>(resource, objects.filter((o) => o.kind === resource.kind) as T[], indexBy);
  return {
    forecastModels: of(RESOURCES.forecastModels),
    trainingRuns: of<TrainingRunObject>(RESOURCES.trainingRuns, (run) => (run.spec?.forecastModel ? objectKey(run.metadata.namespace, run.spec.forecastModel) : undefined)),
    jobs: of(RESOURCES.jobs),
    trainerPods: of<PodObject>(RESOURCES.pods, (pod) => {
      const job = pod.metadata.ownerReferences?.find((ref) => ref.controller && ref.kind === RESOURCES.jobs.kind);
      return job ? objectKey(pod.metadata.namespace, job.name) : undefined;
    }),
    deployments: of(RESOURCES.deployments),
    services: of(RESOURCES.services),
    disruptionBudgets: of(RESOURCES.disruptionBudgets),
    autoscalers: of(RESOURCES.autoscalers),
    start: async () => undefined,
    stop: () => undefined,
  };
}

/** A memory API server holding `objects` and `uncached`, and informers that have listed only `objects`. */
export function createMemoryCluster(objects: readonly KubeObject[], uncached: readonly KubeObject[] = []): { rest: MemoryRest; informers: OperatorInformers } {
  const rest = createMemoryRest();
  for (const object of [...objects, ...uncached]) {
    const resource = Object.values(RESOURCES).find((r) => r.kind === object.kind);
    if (!resource) throw new Error(`no resource for kind ${object.kind}`);
    rest.seed(resourcePath(resource, object.metadata.namespace), object);
  }
  return { rest, informers: createMemoryInformers(objects) };
}
