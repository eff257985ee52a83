import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathNotFound } from './api-error.ts';
import {
  aggregatedDiscovery,
  aggregatedDiscoveryContentType,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
} from './discovery.ts';
import { parseAccept, preferredDiscoveryVersion, sendError, sendJson } from './http-io.ts';
import { openApiV3GroupVersion, openApiV3Index, parseOpenApiV3Path } from './openapi.ts';
import { parseRequestPath, type GroupTarget } from './request-target.ts';
import { handleResourceRequest, type ResourceHandlerDependencies } from './resource-handler.ts';

/** The protobuf media type kubectl asks /openapi/v2 for; an empty body decodes as an empty document. */
const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

function serveGroupPath(req: IncomingMessage, res: ServerResponse, target: GroupTarget, deps: ResourceHandlerDependencies, serverAddress: string): void {
  const registry = deps.registry;
  if (target.group === undefined || (target.core && target.version === undefined)) {
    const aggregated = preferredDiscoveryVersion(parseAccept(req.headers.accept));
    if (aggregated) {
      sendJson(res, 200, aggregatedDiscovery(registry, target.core, aggregated), { 'Content-Type': aggregatedDiscoveryContentType(aggregated) });
    } else {
      sendJson(res, 200, target.core ? apiVersions(serverAddress) : apiGroupList(registry));
    }
    return;
  }
  const document =
    target.version === undefined ? apiGroupDocument(registry, target.group) : apiResourceList(registry, target.group, target.version);
  if (!document) throw pathNotFound(req.url ?? '');
  sendJson(res, 200, document);
}

function serveOpenApi(req: IncomingMessage, res: ServerResponse, pathname: string, deps: ResourceHandlerDependencies): void {
  if (pathname === '/openapi/v2') {
    if ((req.headers.accept ?? '').includes('protobuf')) {
      res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, 'Content-Length': 0 });
      res.end();
      return;
    }
    sendJson(res, 200, { swagger: '2.0', info: { title: 'Kubernetes', version: versionInfo().gitVersion }, paths: {}, definitions: {} });
    return;
  }
  if (pathname === '/openapi/v3') {
    sendJson(res, 200, openApiV3Index(deps.registry));
    return;
  }
  const groupVersion = parseOpenApiV3Path(pathname);
  const document = groupVersion && openApiV3GroupVersion(deps.registry, groupVersion.group, groupVersion.version);
  if (!document) throw pathNotFound(pathname);
  sendJson(res, 200, document);
}

/** Returns the request listener of the fake apiserver: discovery, OpenAPI, health and resources. */
export function createRouter(deps: ResourceHandlerDependencies, serverAddress: () => string) {
  return async function routeKubeRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://fake-kube.invalid');
      const pathname = url.pathname.replace(/\/+$/, '') || '/';
      if (pathname === '/version') {
        deps.counter.record('discovery', undefined);
        sendJson(res, 200, versionInfo());
        return;
      }
      if (pathname === '/healthz' || pathname === '/readyz' || pathname === '/livez') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (pathname.startsWith('/openapi/')) {
        deps.counter.record('discovery', undefined);
        serveOpenApi(req, res, pathname, deps);
        return;
      }
      const target = parseRequestPath(pathname, (g, v, p) => deps.registry.hasNamespacedPlural(g, v, p));
      if (!target) throw pathNotFound(pathname);
      if ('groupPath' in target) {
        deps.counter.record('discovery', undefined);
        serveGroupPath(req, res, target.groupPath, deps, serverAddress());
        return;
      }
      await handleResourceRequest(req, res, target.resource, url.searchParams, deps);
    } catch (error) {
      sendError(res, error);
    }
  };
}
