/** What kube-proxy would do for a test: a loopback listener per Service port, forwarding to ready pods round-robin. */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { KubeRest } from '../../operator/kube/rest-client.ts';
import { sleep } from './timing.ts';

/** A ready pod that may receive a Service's traffic. */
export interface ServiceBackend {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  hostPortOf(port: number | string): number | undefined;
}

/** Options of createServiceProxies. */
export interface ServiceProxyOptions {
  readonly rest: KubeRest;
  /** Ready pods of this kubelet now. */
  readonly backends: () => readonly ServiceBackend[];
  readonly log: (line: string) => void;
}

/** Which Service port to reach and how long to wait for a ready endpoint. */
export interface ServiceUrlOptions {
  readonly port?: number | string;
  readonly timeoutMs?: number;
}

/** The Service proxies of one kubelet. */
export interface ServiceProxies {
  serviceUrl(namespace: string, service: string, options?: ServiceUrlOptions): Promise<string>;
  close(): Promise<void>;
}

/** How long a Service read is reused; selectors and ports rarely change during a test. */
const SERVICE_CACHE_MS = 2_000;
/** A connection arriving while no pod is ready waits this long for one (a rollout in progress). */
const CONNECTION_WAIT_MS = 5_000;

interface Proxy {
  readonly url: string;
  /** The host port of the next ready endpoint, round-robin; undefined when none is ready. */
  pick(): Promise<number | undefined>;
}

function selects(selector: Record<string, string> | undefined, labels: Readonly<Record<string, string>>): boolean {
  // A Service without a selector has hand-made endpoints, which a process kubelet does not follow.
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function portOf(service: V1Service, wanted: number | string | undefined): V1ServicePort {
  const ports = service.spec?.ports ?? [];
  const port = wanted === undefined ? ports[0] : ports.find((p) => (typeof wanted === 'number' ? p.port === wanted : p.name === wanted));
  if (!port) throw new Error(`service ${service.metadata?.namespace}/${service.metadata?.name} has no port ${wanted ?? '(none declared)'}`);
  return port;
}

/** Service proxies reading Services through `rest` and forwarding to `backends()`. */
export function createServiceProxies(options: ServiceProxyOptions): ServiceProxies {
  const proxies = new Map<string, Promise<Proxy>>();
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  let closed = false;

  async function open(namespace: string, name: string, wanted: number | string): Promise<Proxy> {
    const path = `/api/v1/namespaces/${namespace}/services/${name}`;
    let service = await options.rest.get<V1Service>(path);
    let readAt = Date.now();
    let turn = 0;
    const pick = async () => {
      if (Date.now() - readAt > SERVICE_CACHE_MS) {
        service = await options.rest.get<V1Service>(path).catch(() => service);
        readAt = Date.now();
      }
      const port = portOf(service, wanted);
      const target = port.targetPort ?? port.port;
      const ports = options
        .backends()
        .filter((backend) => backend.namespace === namespace && selects(service.spec?.selector, backend.labels))
        .map((backend) => backend.hostPortOf(target))
        .filter((hostPort) => hostPort !== undefined);
      return ports.length > 0 ? ports[turn++ % ports.length] : undefined;
    };
    const server = createServer((client) => void forward(client, pick));
    servers.push(server);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    options.log(`service ${namespace}/${name}:${portOf(service, wanted).port} → ${url}`);
    return { url, pick };
  }

  async function forward(client: Socket, pick: () => Promise<number | undefined>): Promise<void> {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const deadline = Date.now() + CONNECTION_WAIT_MS;
    let hostPort = await pick().catch(() => undefined);
    while (hostPort === undefined && Date.now() < deadline && !closed && !client.destroyed) {
      await sleep(100);
      hostPort = await pick().catch(() => undefined);
    }
    if (hostPort === undefined || closed) return void client.destroy();
    const upstream = connect(hostPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  }

  return {
    async serviceUrl(namespace, service, urlOptions = {}) {
      const timeoutMs = urlOptions.timeoutMs ?? 30_000;
      const deadline = Date.now() + timeoutMs;
      let lastProblem = 'no ready pod on this node';
      while (!closed) {
        try {
          const read = await options.rest.get<V1Service>(`/api/v1/namespaces/${namespace}/services/${service}`);
          const key = `${namespace}/${service}:${portOf(read, urlOptions.port).port}`;
          if (!proxies.has(key)) {
            const opening = open(namespace, service, portOf(read, urlOptions.port).port);
            proxies.set(key, opening);
            // A failed opening (the API restarting) is tried afresh next time.
            opening.catch(() => proxies.delete(key));
          }
          const proxy = await proxies.get(key)!;
          if ((await proxy.pick()) !== undefined) return proxy.url;
          lastProblem = 'no ready pod on this node';
        } catch (error) {
          lastProblem = (error as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`service ${namespace}/${service}: ${lastProblem} after ${timeoutMs} ms`);
        await sleep(100);
      }
      throw new Error(`service ${namespace}/${service}: the kubelet stopped`);
    },
    async close() {
      closed = true;
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
