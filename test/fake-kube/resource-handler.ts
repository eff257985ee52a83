import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed, pathNotFound, qualifiedResource, unsupportedMediaType } from './api-error.ts';
import { parseAccept, preferredTableVersion, readBody, sendJson } from './http-io.ts';
import type { ObjectStore } from './object-store.ts';
import type { RequestCounter } from './request-stats.ts';
import type { ResourceTarget } from './request-target.ts';
import { groupVersion } from './resource-definition.ts';
import { deleteOptions, listQuery, mediaType, objectBody, PATCH_TYPES, warningHeaders, writeOptions } from './request-options.ts';
import type { ResourceOperations, WriteResult } from './resource-operations.ts';
import type { ResourceRegistry } from './resource-registry.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { buildTable, type IncludeObject } from './table.ts';
import { clockDate, type Clock } from './types.ts';
import { serveWatch } from './watch-stream.ts';

/** What the resource endpoints need. */
export interface ResourceHandlerDependencies {
  registry: ResourceRegistry;
  store: ObjectStore;
  operations: ResourceOperations;
  counter: RequestCounter;
  clock: Clock;
  bookmarkIntervalMs: number;
}

/** The verb a request maps to, for request statistics and errors. */
function requestVerb(method: string, target: ResourceTarget, params: URLSearchParams): string {
  const watching = target.legacyWatch || params.get('watch') === 'true' || params.get('watch') === '1';
  switch (method) {
    case 'GET':
      return target.name !== undefined ? 'get' : watching ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return target.name !== undefined ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** Serves one request on a resource path (collection, object or /status). */
export async function handleResourceRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: ResourceTarget,
  params: URLSearchParams,
  deps: ResourceHandlerDependencies,
): Promise<void> {
  const verb = requestVerb(req.method ?? 'GET', target, params);
  const def = deps.registry.byResource(target.group, target.version, target.plural);
  deps.counter.record(verb, def ? `${qualifiedResource(def)}${target.subresource ? `/${target.subresource}` : ''}` : undefined);
  if (!def || (target.namespace !== undefined && !def.namespaced)) throw pathNotFound(`${req.method ?? 'GET'} ${target.plural}`);
  if (target.subresource !== undefined && (target.subresource !== 'status' || !def.hasStatusSubresource)) {
    throw pathNotFound(`${req.method ?? 'GET'} ${target.plural}/${target.subresource}`);
  }
  const subresource = target.subresource === 'status' ? 'status' : undefined;
  const namespace = target.namespace ?? '';
  const name = target.name;
  const accept = parseAccept(req.headers.accept);
  const tableVersion = preferredTableVersion(accept);
  const includeObject = (params.get('includeObject') ?? 'Metadata') as IncludeObject;
  const tableOptions = { now: clockDate(deps.clock), includeObject, tableVersion: tableVersion ?? 'v1' } as const;
  const ops = deps.operations;

  switch (verb) {
    case 'get': {
      const object = ops.get(def, namespace, name ?? '');
      sendJson(res, 200, tableVersion ? buildTable(def, [object], { ...tableOptions, resourceVersion: object.metadata.resourceVersion ?? '' }) : object);
      return;
    }
    case 'list': {
      const result = ops.list(def, target.namespace, listQuery(params));
      if (tableVersion) {
        sendJson(res, 200, buildTable(def, result.items, { ...tableOptions, resourceVersion: result.resourceVersion, ...(result.continueToken ? { continueToken: result.continueToken } : {}), ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}) }));
        return;
      }
      sendJson(res, 200, {
        kind: def.listKind,
        apiVersion: groupVersion(def),
        metadata: {
          resourceVersion: result.resourceVersion,
          ...(result.continueToken ? { continue: result.continueToken } : {}),
          ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
        },
        items: result.items,
      });
      return;
    }
    case 'watch': {
      const labels = parseLabelSelector(params.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(params.get('fieldSelector') ?? undefined);
      const timeout = params.get('timeoutSeconds');
      serveWatch(
        res,
        {
          def,
          namespace: target.namespace,
          matches: (o) => labels(o) && fields(o),
          resourceVersion: params.get('resourceVersion') ?? undefined,
          allowBookmarks: params.get('allowWatchBookmarks') === 'true',
          sendInitialEvents: params.get('sendInitialEvents') === 'true',
          timeoutSeconds: timeout ? Number(timeout) : undefined,
          render: tableVersion ? (o) => buildTable(def, [o], { ...tableOptions, now: clockDate(deps.clock) }) : (o) => o,
        },
        { store: deps.store, serve: (d, o) => ops.serve(d, o), counter: deps.counter, bookmarkIntervalMs: deps.bookmarkIntervalMs },
      );
      return;
    }
    case 'create': {
      if (name !== undefined) throw methodNotAllowed(`POST is not supported on a named ${def.kind}`);
      const result = ops.create(def, namespace, objectBody(await readBody(req), mediaType(req.headers['content-type'])), writeOptions(params, undefined));
      sendWrite(res, 201, result);
      return;
    }
    case 'update': {
      if (name === undefined) throw methodNotAllowed(`PUT needs an object name for ${def.plural}`);
      const result = ops.update(def, namespace, name, objectBody(await readBody(req), mediaType(req.headers['content-type'])), writeOptions(params, subresource));
      sendWrite(res, 200, result);
      return;
    }
    case 'patch': {
      if (name === undefined) throw methodNotAllowed(`PATCH needs an object name for ${def.plural}`);
      const type = PATCH_TYPES[mediaType(req.headers['content-type'])];
      if (!type) throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_TYPES).join(', ')}`);
      const result = ops.patch(def, namespace, name, type, (await readBody(req)).toString('utf8'), writeOptions(params, subresource));
      sendWrite(res, result.created ? 201 : 200, result);
      return;
    }
    case 'delete': {
      const outcome = ops.delete(def, namespace, name ?? '', deleteOptions(params, await readBody(req), mediaType(req.headers['content-type'])));
      if (!outcome.removed || def.returnsDeletedObject) {
        sendJson(res, 200, outcome.object);
        return;
      }
      sendJson(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: def.group, kind: def.plural, uid: outcome.object.metadata.uid },
      });
      return;
    }
    case 'deletecollection': {
      if (!def.verbs.includes('deletecollection')) throw methodNotAllowed(`deletecollection is not supported on ${def.plural}`);
      const items = ops.deleteCollection(def, target.namespace, listQuery(params), deleteOptions(params, await readBody(req), mediaType(req.headers['content-type'])));
      sendJson(res, 200, { kind: def.listKind, apiVersion: groupVersion(def), metadata: { resourceVersion: String(deps.store.resourceVersion) }, items });
      return;
    }
    default:
      throw methodNotAllowed(`${req.method ?? ''} is not supported`);
  }
}

function sendWrite(res: ServerResponse, status: number, result: WriteResult): void {
  sendJson(res, status, result.object, warningHeaders(result.warnings));
}
