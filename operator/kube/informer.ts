import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../core/logger.ts';
import { backoffDelayMs, type Backoff } from '../../core/retry.ts';
import { objectKey, type KubeObject } from './objects.ts';
import { resourcePath, type ResourceType } from './resources.ts';
import { type KubeRest } from './rest-client.ts';

/** Waits before resuming a watch that ended with an error, and before listing again after a failed list. */
const WATCH_BACKOFF: Backoff = { baseDelayMs: 250, maxDelayMs: 5000 };
const LIST_BACKOFF: Backoff = { baseDelayMs: 500, maxDelayMs: 10_000 };

/** Why a handler is told about an object. */
export type ChangeType = 'added' | 'modified' | 'deleted' | 'resync';

/** Options of createInformer. */
export interface InformerOptions<T extends KubeObject> {
  readonly rest: KubeRest;
  readonly kubeConfig: KubeConfig;
  readonly resource: ResourceType;
  /** Namespaces to watch; empty for all. */
  readonly namespaces: readonly string[];
  readonly labelSelector?: string;
  /** Called for every change; controllers only enqueue keys here. */
  readonly onChange: (type: ChangeType, object: T) => void;
  /** Full relist (and a 'resync' for every object) this often: the safety net behind the watch. */
  readonly resyncMs: number;
  /** Keeps only what the controllers read, so a cache of thousands of objects stays small. */
  readonly transform?: (object: T) => T;
  /** Optional secondary index, e.g. TrainingRuns by the ForecastModel they name. */
  readonly indexBy?: (object: T) => string | undefined;
  readonly log: Logger;
  /** Watch requests end after this long and are resumed from the last resourceVersion. */
  readonly watchTimeoutSeconds?: number;
}

/** A list-and-watch cache of one resource. */
export interface Informer<T extends KubeObject> {
  /** The resource listed and watched. */
  readonly resource: ResourceType;
  /** Start listing and watching; resolves once every namespace has been listed once. */
  start(): Promise<void>;
  stop(): void;
  get(namespace: string, name: string): T | undefined;
  list(): T[];
  /** Objects whose index value (see indexBy) is `value`. */
  byIndex(value: string): T[];
  /** Record an object the operator just wrote (and tell the handlers), so the next reconcile sees it before the watch event arrives. */
  upsert(object: T): void;
  /** Forget an object the operator just deleted. */
  remove(namespace: string, name: string): void;
  /** Ask every namespace to relist now (as after a missed event). */
  relist(): void;
}

/** A resourceVersion as a number when it is one; only used to refuse going back to an older copy. */
function versionNumber(object: KubeObject | undefined): number | undefined {
  const value = Number(object?.metadata.resourceVersion);
  return Number.isFinite(value) && object?.metadata.resourceVersion !== '' ? value : undefined;
}

/** True when `incoming` is not older than what the cache holds. */
function isNewer(incoming: KubeObject, cached: KubeObject | undefined): boolean {
  const a = versionNumber(incoming);
  const b = versionNumber(cached);
  // Resource versions are opaque to clients in general; etcd's are increasing integers, which is all we compare.
  return a === undefined || b === undefined || a >= b;
}

/**
 * True when a cached object missing from a list answer is gone: it is not newer than the list's snapshot. An
 * object the operator wrote (and cached) after the list was taken is missing from it but very much alive; the
 * watch from the list's version will bring its events. On a busy apiserver a list of a thousand objects takes
 * long enough for that to happen.
 */
export function goneFromList(cached: KubeObject, listResourceVersion: string | undefined): boolean {
  const listed = Number(listResourceVersion);
  const version = versionNumber(cached);
  return !listResourceVersion || !Number.isFinite(listed) || version === undefined || version <= listed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * An informer: lists, then watches from the list's resourceVersion with bookmarks, resumes a dropped watch from
 * the last version seen, relists when the server answers 410 Gone, and relists everything periodically.
 */
export function createInformer<T extends KubeObject>(options: InformerOptions<T>): Informer<T> {
  const cache = new Map<string, T>();
  const index = new Map<string, Set<string>>();
  const watch = new Watch(options.kubeConfig);
  const log = options.log.child({ resource: options.resource.plural });
  const scopes = options.namespaces.length > 0 ? options.namespaces : [undefined];
  const reflectors = scopes.map((namespace) => ({ namespace, abort: undefined as AbortController | undefined, relist: false }));
  let stopped = false;
  let resyncTimer: NodeJS.Timeout | undefined;

  function indexKey(object: T): string | undefined {
    return options.indexBy?.(object);
  }

  function store(incoming: T): T | undefined {
    const object = options.transform ? options.transform(incoming) : incoming;
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const previous = cache.get(key);
    if (previous) {
      const old = indexKey(previous);
      if (old !== undefined) index.get(old)?.delete(key);
    }
    cache.set(key, object);
    const value = indexKey(object);
    if (value !== undefined) (index.get(value) ?? index.set(value, new Set()).get(value)!).add(key);
    return previous;
  }

  function drop(key: string): T | undefined {
    const previous = cache.get(key);
    if (!previous) return undefined;
    cache.delete(key);
    const value = indexKey(previous);
    if (value !== undefined) index.get(value)?.delete(key);
    return previous;
  }

  function apply(type: string, object: T): void {
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    const cached = cache.get(key);
    if (!isNewer(object, cached)) return;
    if (type === 'DELETED') {
      if (drop(key)) options.onChange('deleted', object);
      return;
    }
    const previous = store(object);
    if (previous?.metadata.resourceVersion === object.metadata.resourceVersion) return;
    options.onChange(previous ? 'modified' : 'added', object);
  }

  async function listInto(namespace: string | undefined, resync: boolean): Promise<string> {
    const query: Record<string, string> = options.labelSelector ? { labelSelector: options.labelSelector } : {};
    const list = await options.rest.list<T>(resourcePath(options.resource, namespace), query);
    const seen = new Set<string>();
    for (const item of list.items) {
      const object = { ...item, apiVersion: item.apiVersion ?? apiVersionOf(options.resource), kind: item.kind ?? options.resource.kind } as T;
      const key = objectKey(object.metadata.namespace, object.metadata.name);
      seen.add(key);
      const previous = cache.get(key);
      if (previous && !isNewer(object, previous)) continue;
      store(object);
      if (!previous) options.onChange('added', object);
      else if (previous.metadata.resourceVersion !== object.metadata.resourceVersion) options.onChange('modified', object);
      else if (resync) options.onChange('resync', object);
    }
    for (const [key, object] of [...cache]) {
      if ((namespace === undefined || object.metadata.namespace === namespace) && !seen.has(key) && goneFromList(object, list.metadata.resourceVersion)) {
        drop(key);
        options.onChange('deleted', object);
      }
    }
    return list.metadata.resourceVersion ?? '';
  }

  /** One watch request; resolves with the last version seen and whether the server said it is too old. */
  function watchOnce(reflector: (typeof reflectors)[number], resourceVersion: string): Promise<{ version: string; expired: boolean; error?: unknown }> {
    return new Promise((resolve) => {
      let version = resourceVersion;
      let expired = false;
      const query = {
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: options.watchTimeoutSeconds ?? 240,
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
      };
      watch
        .watch(
          resourcePath(options.resource, reflector.namespace),
          query,
          (phase, object: T & { code?: number }) => {
            if (phase === 'ERROR') {
              if (object.code === 410) expired = true;
              reflector.abort?.abort();
              return;
            }
            if (object?.metadata?.resourceVersion) version = object.metadata.resourceVersion;
            if (phase === 'BOOKMARK') return;
            apply(phase, { ...object, apiVersion: object.apiVersion ?? apiVersionOf(options.resource), kind: object.kind ?? options.resource.kind });
          },
          (error: unknown) => {
            const status = (error as { statusCode?: number } | null)?.statusCode;
            if (status === 410) expired = true;
            // Our own abort, or client-node ending a watch that stayed silent longer than its inactivity limit.
            const aborted = ['AbortError', 'TimeoutError'].includes((error as { name?: string } | null)?.name ?? '');
            resolve({ version, expired, ...(error && !aborted && status !== 410 ? { error } : {}) });
          },
        )
        .then((controller) => {
          reflector.abort = controller;
          if (stopped || reflector.relist) controller.abort();
        }, (error: unknown) => resolve({ version, expired, error }));
    });
  }

  async function run(reflector: (typeof reflectors)[number], listed: () => void): Promise<void> {
    let failures = 0;
    let firstList = true;
    while (!stopped) {
      try {
        const resync = reflector.relist && !firstList;
        reflector.relist = false;
        let version = await listInto(reflector.namespace, resync);
        if (firstList) listed();
        firstList = false;
        failures = 0;
        while (!stopped && !reflector.relist) {
          const result = await watchOnce(reflector, version);
          version = result.version;
          if (result.expired) {
            log.info({ namespace: reflector.namespace }, 'watch expired (410 Gone); relisting');
            break;
          }
          if (result.error) {
            log.warn({ namespace: reflector.namespace, err: result.error }, 'watch ended with an error; resuming');
            await sleep(backoffDelayMs(WATCH_BACKOFF, ++failures));
          }
        }
      } catch (error) {
        log.warn({ namespace: reflector.namespace, err: error }, 'list failed; retrying');
        await sleep(backoffDelayMs(LIST_BACKOFF, ++failures));
      }
    }
  }

  return {
    resource: options.resource,
    start() {
      const listedAll = scopes.map(() => Promise.withResolvers<void>());
      reflectors.forEach((reflector, i) => void run(reflector, () => listedAll[i]!.resolve()));
      resyncTimer = setInterval(() => {
        for (const reflector of reflectors) {
          reflector.relist = true;
          reflector.abort?.abort();
        }
      }, options.resyncMs);
      resyncTimer.unref();
      return Promise.all(listedAll.map((d) => d.promise)).then(() => undefined);
    },
    stop() {
      stopped = true;
      if (resyncTimer) clearInterval(resyncTimer);
      for (const reflector of reflectors) reflector.abort?.abort();
    },
    get: (namespace, name) => cache.get(objectKey(namespace, name)),
    list: () => [...cache.values()],
    byIndex: (value) => [...(index.get(value) ?? [])].map((key) => cache.get(key)).filter((o): o is T => o !== undefined),
    upsert(object) {
      const key = objectKey(object.metadata.namespace, object.metadata.name);
      if (!isNewer(object, cache.get(key))) return;
      const previous = store(object);
      // Tell the handlers now: the watch event for this version will be recognised as already seen.
      if (previous?.metadata.resourceVersion !== object.metadata.resourceVersion) options.onChange(previous ? 'modified' : 'added', object);
    },
    remove(namespace, name) {
      drop(objectKey(namespace, name));
    },
    relist() {
      for (const reflector of reflectors) {
        reflector.relist = true;
        reflector.abort?.abort();
      }
    },
  };
}

function apiVersionOf(resource: ResourceType): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}
