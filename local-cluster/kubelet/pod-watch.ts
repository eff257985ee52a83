/** The pods bound to one node, listed then watched, surviving API outages (resume, or relist on 410 Gone). */
import { Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { KubeRest } from '../../operator/kube/rest-client.ts';
import { createBackoff, sleep } from './timing.ts';

/** Options of watchNodePods. */
export interface NodePodWatchOptions {
  readonly rest: KubeRest;
  readonly kubeConfig: KubeConfig;
  readonly nodeName: string;
  /** The full set after each (re)list: pods missing from it are gone. */
  readonly onList: (pods: V1Pod[]) => void;
  readonly onPod: (pod: V1Pod) => void;
  readonly onDeleted: (pod: V1Pod) => void;
  readonly log: (line: string) => void;
}

/** A running pod watch. */
export interface NodePodWatch {
  /** Resolves after the first list. */
  readonly listed: Promise<void>;
  stop(): void;
}

interface WatchEnd {
  readonly version: string;
  readonly expired: boolean;
  readonly error?: unknown;
}

/** Server-side watch timeout: below client-node's 30 s inactivity limit, so quiet watches end cleanly and resume. */
const WATCH_TIMEOUT_SECONDS = 25;

/** List and watch the pods with spec.nodeName = options.nodeName until stop(). */
export function watchNodePods(options: NodePodWatchOptions): NodePodWatch {
  const watch = new Watch(options.kubeConfig);
  const fieldSelector = `spec.nodeName=${options.nodeName}`;
  const listed = Promise.withResolvers<void>();
  const stopping = new AbortController();
  let abort: AbortController | undefined;

  function watchOnce(resourceVersion: string): Promise<WatchEnd> {
    return new Promise((resolve) => {
      let version = resourceVersion;
      let expired = false;
      const query = { resourceVersion, fieldSelector, allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS };
      const onEvent = (type: string, object: V1Pod & { code?: number }) => {
        if (type === 'ERROR') {
          expired = object.code === 410;
          abort?.abort();
          return;
        }
        if (object.metadata?.resourceVersion) version = object.metadata.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED') options.onPod(object);
        else if (type === 'DELETED') options.onDeleted(object);
      };
      const onDone = (error: unknown) => {
        const status = (error as { statusCode?: number } | null)?.statusCode;
        const quiet = ['AbortError', 'TimeoutError'].includes((error as { name?: string } | null)?.name ?? '');
        resolve({ version, expired: expired || status === 410, ...(error && !quiet && status !== 410 ? { error } : {}) });
      };
      watch.watch('/api/v1/pods', query, onEvent, onDone).then(
        (controller) => {
          abort = controller;
          if (stopping.signal.aborted) controller.abort();
        },
        (error: unknown) => resolve({ version, expired, error }),
      );
    });
  }

  async function run(): Promise<void> {
    const backoff = createBackoff(250, 5_000);
    while (!stopping.signal.aborted) {
      try {
        const list = await options.rest.list<V1Pod>('/api/v1/pods', { fieldSelector });
        if (stopping.signal.aborted) return;
        options.onList(list.items);
        listed.resolve();
        backoff.reset();
        let version = list.metadata.resourceVersion ?? '';
        for (;;) {
          const end = await watchOnce(version);
          if (stopping.signal.aborted || end.expired) break;
          version = end.version;
          if (end.error) {
            options.log(`pod watch interrupted (${(end.error as Error).message ?? end.error}); resuming`);
            await sleep(backoff.next(), stopping.signal);
          } else backoff.reset();
        }
      } catch (error) {
        options.log(`pod list failed (${(error as Error).message}); retrying`);
        await sleep(backoff.next(), stopping.signal);
      }
    }
  }

  void run();
  return {
    listed: listed.promise,
    stop() {
      stopping.abort();
      abort?.abort();
    },
  };
}
