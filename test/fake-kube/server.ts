import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { builtinResources } from './builtin-resources.ts';
import { CRD_STORAGE_KEY, establishedCrdStatus, validateCrd } from './crd-resources.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { ObjectStore } from './object-store.ts';
import { RequestCounter, type RequestStats } from './request-stats.ts';
import { ResourceOperations } from './resource-operations.ts';
import { ResourceRegistry } from './resource-registry.ts';
import { createRouter } from './router.ts';
import { FakeKubeStore } from './store-access.ts';
import { clockDate, isJsonObject, kubeTimestamp, systemClock, type Clock, type KubeObject } from './types.ts';

/** Options of {@link startFakeKubeApiServer}. */
export interface FakeKubeApiServerOptions {
  /** CustomResourceDefinition objects (parsed YAML) installed before the server accepts requests. */
  crds?: object[];
  /** Time source for creationTimestamp, deletionTimestamp and table ages. */
  clock?: Clock;
  /** Namespaces that exist from the start (default: default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** Interval of BOOKMARK events on watches that allow them (default 5000 ms; 0 disables the timer). */
  bookmarkIntervalMs?: number;
  /** Watch events kept per resource for resuming watches (default 10000); older resourceVersions get 410. */
  watchHistoryLimit?: number;
}

/** A running fake apiserver and the handles tests use to inspect and steer it. */
export interface FakeKubeApiServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** A kubeconfig file pointing at the server (for kubectl and KubeConfig.loadFromFile). */
  kubeconfigPath: string;
  /** A @kubernetes/client-node KubeConfig loaded from `kubeconfigPath`. */
  kubeConfig: KubeConfig;
  /**
   * Environment for a kubectl child process: KUBECONFIG, plus KUBECACHEDIR in the server's temp
   * directory so discovery caches of earlier servers on the same port are never reused.
   */
  kubectlEnv: Record<string, string>;
  /** Direct object access (get/list/create/put/delete) without HTTP. */
  store: FakeKubeStore;
  /** Request counters by verb and resource. */
  stats: { snapshot(): RequestStats; reset(): void };
  /** The latest resourceVersion handed out. */
  resourceVersion(): number;
  /** Ends every open watch from the server side, as an apiserver restart or load balancer would. */
  dropWatches(): void;
  /** Sends a BOOKMARK now on every watch that allows bookmarks. */
  sendBookmarks(): void;
  /** Watches from a resourceVersion below `resourceVersion` are answered with 410 Gone from now on. */
  expireResourceVersionsBefore(resourceVersion: number | string): void;
  /** Closes watches and connections, stops the server and removes the temp directory. */
  close(): Promise<void>;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Starts a fake Kubernetes API server on 127.0.0.1 (plain HTTP, random port) that speaks the REST,
 * watch, discovery and Table protocols well enough for the real @kubernetes/client-node and the
 * real kubectl. See test/fake-kube/README.md for the exact semantics and limits.
 */
export async function startFakeKubeApiServer(options: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
  const clock = options.clock ?? systemClock;
  const registry = new ResourceRegistry();
  for (const def of builtinResources()) {
    if (def.storageKey === CRD_STORAGE_KEY) {
      def.hooks.validateCreate = validateCrd;
      def.hooks.validateUpdate = (_previous, next) => validateCrd(next);
      def.hooks.initialStatus = (crd) => establishedCrdStatus(crd, kubeTimestamp(clockDate(clock)));
    }
    registry.register(def);
  }
  const store = new ObjectStore(options.watchHistoryLimit ?? 10_000);
  const operations = new ResourceOperations(registry, store, clock);
  const access = new FakeKubeStore(registry, operations);
  for (const namespace of options.namespaces ?? DEFAULT_NAMESPACES) access.ensureNamespace(namespace);
  const crdDef = registry.byResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  for (const [index, crd] of (options.crds ?? []).entries()) {
    if (!isJsonObject(crd) || !crdDef) throw new Error(`crds[${index}] is not a CustomResourceDefinition object`);
    try {
      operations.create(crdDef, '', crd as KubeObject);
    } catch (error) {
      throw new Error(`crds[${index}] (${String((crd as KubeObject).metadata?.name)}) was rejected: ${(error as Error).message}`, { cause: error });
    }
  }

  const counter = new RequestCounter();
  let serverAddress = '127.0.0.1';
  const server = createServer(
    createRouter({ registry, store, operations, counter, clock, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000 }, () => serverAddress),
  );
  server.keepAliveTimeout = 60_000;
  const port = await listen(server);
  serverAddress = `127.0.0.1:${port}`;
  const url = `http://${serverAddress}`;
  const directory = await mkdtemp(join(tmpdir(), 'fake-kube-'));
  const kubeconfigPath = await writeKubeconfig(directory, url);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);

  return {
    url,
    kubeconfigPath,
    kubeConfig,
    kubectlEnv: { KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(directory, 'kube-cache') },
    store: access,
    stats: { snapshot: () => counter.snapshot(), reset: () => counter.reset() },
    resourceVersion: () => store.resourceVersion,
    dropWatches: () => store.hub.closeAll(),
    sendBookmarks: () => store.hub.bookmarkAll(),
    expireResourceVersionsBefore: (resourceVersion) => store.hub.expireBefore(Number(resourceVersion)),
    close: async () => {
      store.hub.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
