import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';

/** An error answer of the API server, with its HTTP status and Status reason (e.g. AlreadyExists, Conflict). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  readonly status: number;
  readonly reason: string | undefined;

  constructor(message: string, status: number, reason: string | undefined, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
    this.reason = reason;
  }
}

/** True when the API server answered with `status` (e.g. 404, 409, 410). */
export function isApiStatus(error: unknown, status: number): boolean {
  return error instanceof KubeApiError && error.status === status;
}

/** A list answer. */
export interface ObjectList<T> {
  readonly items: T[];
  readonly metadata: { readonly resourceVersion?: string; readonly continue?: string };
}

/** The patch content types the API server accepts. */
export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** Told about each request, for metrics. */
export type RequestObserver = (verb: string, path: string, status: number, seconds: number) => void;

/** Called just before a write (any method but GET) is sent; throwing refuses it. */
export type WriteGuard = (method: string, path: string) => void;

/** Plain-JSON access to the Kubernetes REST API, authenticated and transported by @kubernetes/client-node. */
export interface KubeRest {
  get<T>(path: string): Promise<T>;
  list<T>(path: string, query?: Readonly<Record<string, string>>): Promise<ObjectList<T>>;
  create<T>(path: string, body: unknown): Promise<T>;
  replace<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown, type: PatchType): Promise<T>;
  delete(path: string, body?: unknown): Promise<void>;
}

/**
 * A REST client returning objects exactly as the server sent them (timestamps stay strings, unknown fields
 * stay), which is what a cache shared by watch events and lists needs. Authentication, TLS and transport are
 * client-node's own, so in-cluster service accounts and kubeconfigs work unchanged.
 */
export function createKubeRest(config: KubeConfig, observe?: RequestObserver, beforeWrite?: WriteGuard): KubeRest {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/$/, '');
  const http = new IsomorphicFetchHttpLibrary();
  let dispatcher: ReturnType<RequestContext['getDispatcher']>;

  // client-node builds a new connection pool (undici Agent) for every request it authenticates; an operator
  // making thousands of requests would open a fresh connection each time. Authentication headers are still
  // applied per request (tokens rotate); the pool, which only carries the TLS settings, is kept and reused.
  function reuseDispatcher(context: RequestContext): void {
    const fresh = context.getDispatcher();
    if (!fresh) return;
    if (!dispatcher) dispatcher = fresh;
    else void (fresh as { close?: () => Promise<void> }).close?.().catch(() => undefined);
    context.setDispatcher(dispatcher);
  }

  async function request<T>(method: HttpMethod, path: string, options: { body?: unknown; contentType?: string; query?: Readonly<Record<string, string>> } = {}): Promise<T> {
    const url = new URL(server + path);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const context = new RequestContext(url.toString(), method);
    context.setHeaderParam('Accept', 'application/json');
    context.setHeaderParam('User-Agent', 'make-us-rich-operator');
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      context.setBody(JSON.stringify(options.body));
    }
    await config.applySecurityAuthentication(context);
    reuseDispatcher(context);
    // As late as possible: the process may have been paused anywhere before this line.
    if (method !== HttpMethod.GET) beforeWrite?.(method, path);
    const started = performance.now();
    let response;
    try {
      response = await http.send(context).toPromise();
    } catch (cause) {
      observe?.(method, path, 0, (performance.now() - started) / 1000);
      throw new Error(`${method} ${path}: API server unreachable`, { cause });
    }
    const text = await response.body.text();
    observe?.(method, path, response.httpStatusCode, (performance.now() - started) / 1000);
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    if (response.httpStatusCode >= 400) {
      const message = typeof parsed?.message === 'string' ? parsed.message : text;
      throw new KubeApiError(`${method} ${path}: ${response.httpStatusCode} ${message}`, response.httpStatusCode, typeof parsed?.reason === 'string' ? parsed.reason : undefined);
    }
    return parsed as T;
  }

  return {
    get: (path) => request(HttpMethod.GET, path),
    list: (path, query) => request(HttpMethod.GET, path, query ? { query } : {}),
    create: (path, body) => request(HttpMethod.POST, path, { body }),
    replace: (path, body) => request(HttpMethod.PUT, path, { body }),
    patch: (path, body, type) => request(HttpMethod.PATCH, path, { body, contentType: PATCH_CONTENT_TYPES[type] }),
    delete: async (path, body) => {
      await request(HttpMethod.DELETE, path, body === undefined ? {} : { body });
    },
  };
}
