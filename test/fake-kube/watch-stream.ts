import type { ServerResponse } from 'node:http';
import { badRequest, expired } from './api-error.ts';
import type { ObjectStore } from './object-store.ts';
import type { RequestCounter } from './request-stats.ts';
import { groupVersion, type ResourceDefinition } from './resource-definition.ts';
import type { ObjectPredicate } from './selectors.ts';
import type { KubeObject } from './types.ts';
import type { StoredEvent, WatchSubscriber } from './watch-hub.ts';

/** Everything a watch request asked for. */
export interface WatchRequest {
  def: ResourceDefinition;
  namespace: string | undefined;
  matches: ObjectPredicate;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds: number | undefined;
  /** Serialises an object for this client (plain JSON or a one-row Table). */
  render: (served: KubeObject) => unknown;
}

/** What a watch stream needs from the server. */
export interface WatchDependencies {
  store: ObjectStore;
  serve: (def: ResourceDefinition, stored: KubeObject) => KubeObject;
  counter: RequestCounter;
  bookmarkIntervalMs: number;
}

type WireType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** The event a filtered watch sees for a stored change: selector transitions become ADDED/DELETED. */
function visibleType(event: StoredEvent, nowMatches: boolean, previouslyMatched: boolean): WireType | undefined {
  if (event.type === 'DELETED') return nowMatches ? 'DELETED' : undefined;
  if (event.type === 'ADDED') return nowMatches ? 'ADDED' : undefined;
  if (nowMatches) return previouslyMatched ? 'MODIFIED' : 'ADDED';
  return previouslyMatched ? 'DELETED' : undefined;
}

/**
 * Serves one `?watch=true` request as newline-delimited JSON events. Starts with synthetic ADDED
 * events for the current state (resourceVersion unset or "0", or sendInitialEvents), or replays
 * history after a given resourceVersion; answers an expired resourceVersion with a 410 ERROR
 * event, as the apiserver does once the stream has started.
 */
export function serveWatch(res: ServerResponse, request: WatchRequest, deps: WatchDependencies): void {
  const { def, namespace } = request;
  const inScope = (stored: KubeObject): boolean => namespace === undefined || !def.namespaced || stored.metadata.namespace === namespace;
  const matchesStored = (stored: KubeObject | undefined): boolean => stored !== undefined && inScope(stored) && request.matches(deps.serve(def, stored));

  const rv = request.resourceVersion;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rv)}: must be a non-negative integer`);
  const fromRevision = rv === undefined || rv === '' || rv === '0' || request.sendInitialEvents ? undefined : Number(rv);
  const replay = fromRevision === undefined ? undefined : deps.store.hub.eventsSince(def.storageKey, fromRevision);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const write = (type: string, object: unknown): void => {
    deps.counter.recordWatchEvent();
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    write('BOOKMARK', {
      kind: def.kind,
      apiVersion: groupVersion(def),
      metadata: { resourceVersion: String(deps.store.resourceVersion), ...(annotations ? { annotations } : {}) },
    });
  };

  if (replay !== undefined && !Array.isArray(replay)) {
    write('ERROR', expired(`too old resource version: ${rv ?? ''} (${replay.oldestResumable})`).toStatus());
    res.end();
    return;
  }
  const deliver = (event: StoredEvent): void => {
    const type = visibleType(event, matchesStored(event.object), matchesStored(event.previous));
    if (type) write(type, request.render(deps.serve(def, event.object)));
  };
  if (replay === undefined) {
    for (const stored of deps.store.list(def.storageKey, def.namespaced ? namespace : undefined)) {
      const served = deps.serve(def, stored);
      if (request.matches(served)) write('ADDED', request.render(served));
    }
    if (request.sendInitialEvents && request.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    for (const event of replay) deliver(event);
  }

  let finished = false;
  const timers: NodeJS.Timeout[] = [];
  const subscriber: WatchSubscriber = {
    deliver,
    close: () => finish(),
    bookmark: () => {
      if (request.allowBookmarks && !finished) bookmark();
    },
  };
  const unsubscribe = deps.store.hub.subscribe(def.storageKey, subscriber);
  const finish = (): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    for (const timer of timers) clearInterval(timer);
    res.end();
  };
  if (request.allowBookmarks && deps.bookmarkIntervalMs > 0) {
    timers.push(setInterval(() => subscriber.bookmark(), deps.bookmarkIntervalMs).unref());
  }
  if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
    timers.push(setTimeout(finish, request.timeoutSeconds * 1000).unref());
  }
  res.on('close', finish);
}
