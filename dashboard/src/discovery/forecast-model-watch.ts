import { CustomObjectsApi, makeInformer, type Informer, type KubeConfig, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { describeError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import { describeForecastModel, type DiscoveredModel } from './forecast-model-target.ts';

const GROUP = 'forecasting.makeusrich.io';
const VERSION = 'v1alpha1';
const PLURAL = 'forecastmodels';

/** Options of {@link watchForecastModels}. */
export interface ForecastModelWatchOptions {
  /** In-cluster config or KUBECONFIG, loaded by the caller. */
  readonly kubeConfig: KubeConfig;
  /** Namespaces to list ForecastModels in, or every namespace (needs a ClusterRoleBinding). */
  readonly namespaces: readonly string[] | 'all';
  readonly log: Logger;
  /** Wait before listing again after the list or the watch failed (default 5 s). */
  readonly retryDelayMs?: number;
}

/** The ForecastModels seen so far, kept current by a list followed by a watch per namespace. */
export interface ForecastModelWatch {
  /** Every ForecastModel seen, sorted by target name. */
  models(): DiscoveredModel[];
  /** Start listing and watching; resolves once each namespace's first list was attempted. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

type ForecastModelInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

/**
 * Watch ForecastModels with the read-only rights the chart grants (get, list, watch). The informer keeps its cache
 * across reconnects; after an error it stops, so it is started again after `retryDelayMs` with a fresh list.
 */
export function watchForecastModels(options: ForecastModelWatchOptions): ForecastModelWatch {
  const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  const retryDelayMs = options.retryDelayMs ?? 5_000;
  const scopes = options.namespaces === 'all' ? [undefined] : [...options.namespaces];
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();

  const informers = scopes.map((namespace) => {
    const path = namespace === undefined ? `/apis/${GROUP}/${VERSION}/${PLURAL}` : `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`;
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> =>
      (namespace === undefined
        ? await api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })
        : await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL })) as KubernetesListObject<KubernetesObject>;
    const informer: ForecastModelInformer = makeInformer(options.kubeConfig, path, list);
    const log = options.log.child({ component: 'discovery', namespace: namespace ?? '*' });
    informer.on('error', (error: unknown) => {
      if (stopped) return;
      // A 403 here means the dashboard's RBAC is missing in this namespace: say so plainly.
      log.error({ reason: describeError(error), retryInMs: retryDelayMs }, 'listing or watching ForecastModels failed');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) void informer.start();
      }, retryDelayMs);
      timers.add(timer);
    });
    return informer;
  });

  return {
    models() {
      const seen = informers.flatMap((informer) => informer.list()).map(describeForecastModel);
      return seen.filter((model): model is DiscoveredModel => model !== undefined).sort((a, b) => a.name.localeCompare(b.name));
    },
    async start() {
      stopped = false;
      await Promise.all(informers.map((informer) => informer.start()));
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
}
