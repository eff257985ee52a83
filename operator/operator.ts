import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../core/logger.ts';
import type { OperatorConfig } from './config.ts';
import { createLiveRecordScraper, metricsUrlFromStatus, type LiveRecordScraper, type MetricsUrlOf } from './drift/live-record-scraper.ts';
import { createForecastModelReconciler } from './forecast-model/reconcile.ts';
import { createEventRecorder } from './kube/event-recorder.ts';
import { createOperatorInformers, type OperatorInformers } from './kube/informers.ts';
import { objectKey } from './kube/objects.ts';
import { createKubeRest, type KubeRest, type RequestObserver } from './kube/rest-client.ts';
import { LeadershipLostError, startLeaderElection, type LeaderElection } from './leader/leader-election.ts';
import { createOperatorMetrics, type OperatorMetrics } from './metrics.ts';
import { createWorkQueue, type WorkQueue } from './queue/work-queue.ts';
import { secretBackedArtifactStores, type ArtifactStoreOpener, type PodCredentialEnv } from './training-run/artifact-cleanup.ts';
import { createTrainingRunReconciler } from './training-run/reconcile.ts';

/** What the operator is built from; tests pass a fake API server's KubeConfig and a fake clock. */
export interface OperatorDeps {
  readonly config: OperatorConfig;
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Monotonic milliseconds for the leadership deadline (default performance.now). */
  readonly monotonicNow?: () => number;
  readonly openArtifacts?: ArtifactStoreOpener;
  /** The operator pod's environment, for S3 cleanup signed with its own identity when a Secret has no keys. */
  readonly podEnv?: PodCredentialEnv;
  readonly metrics?: OperatorMetrics;
  /** Called when leadership is lost; main exits so the restarted process starts clean. */
  readonly onLostLeadership?: () => void;
  /**
   * Where a ForecastModel's inference service answers /metrics (default: status.endpoint); a test cluster
   * without a Service network routes through its kubelet's proxies instead.
   */
  readonly liveMetricsUrl?: MetricsUrlOf;
}

/** A running operator. */
export interface Operator {
  readonly metrics: OperatorMetrics;
  /** Campaign for leadership (or start at once when leader election is off); resolves after the first round. */
  start(): Promise<void>;
  stop(): Promise<void>;
  healthy(): boolean;
  ready(): boolean;
  /** Reconcile every object again now, as the periodic resync does. */
  resyncAll(): void;
  /** Resolves once both queues are empty and no reconcile runs (for tests and the benchmark). */
  settled(): Promise<void>;
}

/** Wire the informers, queues and controllers of the operator. */
export function createOperator(deps: OperatorDeps): Operator {
  const { config, log } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? createOperatorMetrics();
  const observe: RequestObserver = (verb, _path, status, seconds) => {
    const labels = { verb, code: String(status) };
    metrics.apiRequests.inc(labels);
    metrics.apiRequestDuration.observe(labels, seconds);
  };
  // The election writes its own Lease; every other write is refused unless this replica provably still leads,
  // checked at the moment of sending, since a paused process resumes mid-reconcile with stale caches.
  const electionRest = createKubeRest(deps.kubeConfig, observe);
  const rest: KubeRest = config.leaderElection.enabled ? createKubeRest(deps.kubeConfig, observe, requireLeadership) : electionRest;
  const recorder = createEventRecorder({ rest, component: 'make-us-rich-operator', instance: config.leaderElection.identity, log, now });
  let informers: OperatorInformers | undefined;
  let queues: { forecastModels: WorkQueue; trainingRuns: WorkQueue } | undefined;
  let election: LeaderElection | undefined;
  let scraper: LiveRecordScraper | undefined;
  let synced = false;
  let stopped = false;

  function requireLeadership(): void {
    if (!election) throw new LeadershipLostError('refusing to write: leader election has not started');
    election.assertLeader();
  }

  function queueFor(controller: string, handler: (key: string) => Promise<unknown>): WorkQueue {
    const queue = createWorkQueue({
      concurrency: config.workers,
      handler: handler as never,
      metrics: metrics.workQueue.observerFor(controller),
      onDone: (key, ms, error) => {
        metrics.reconciles.inc({ controller, result: error === undefined ? 'success' : 'error' });
        metrics.reconcileDuration.observe({ controller }, ms / 1000);
        if (error === undefined) return;
        metrics.reconcileErrors.inc({ controller });
        log.warn({ controller, key, err: error }, 'reconcile failed; will retry');
      },
    });
    metrics.workQueue.watch(controller, queue);
    return queue;
  }

  async function startControllers(): Promise<void> {
    const routing = {
      forecastModelChanged: (key: string) => synced && queues?.forecastModels.add(key),
      trainingRunChanged: (key: string) => synced && queues?.trainingRuns.add(key),
    };
    informers = createOperatorInformers({ rest, kubeConfig: deps.kubeConfig, namespaces: config.watchNamespaces, resyncMs: config.resyncSeconds * 1000, log, routing });
    const forecastModels = informers.forecastModels;
    const modelLabels = (namespace: string, name: string) => ({ model_namespace: namespace, forecast_model: name });
    // Off the work queue: a slow inference service delays only its own record, never a reconcile.
    scraper = createLiveRecordScraper({
      forecastModels: () => (synced ? forecastModels.list() : []),
      metricsUrl: deps.liveMetricsUrl ?? metricsUrlFromStatus,
      periodMs: config.liveScrapeSeconds * 1000,
      timeoutMs: config.liveScrapeTimeoutSeconds * 1000,
      concurrency: Math.min(config.workers, 8),
      scraped: (key) => synced && queues?.forecastModels.add(key),
      observe: (fm, result) => metrics.liveRecordScrapes.inc({ ...modelLabels(fm.metadata.namespace ?? '', fm.metadata.name), result }),
      log,
    });
    const liveRecords = scraper;
    const forecastModelReconciler = createForecastModelReconciler({
      rest,
      informers,
      recorder,
      now,
      log,
      liveRecord: (key) => liveRecords.record(key),
      driftRunCreated: (namespace, name) => metrics.driftTrainingRuns.inc(modelLabels(namespace, name)),
      settings: {
        inference: {
          image: config.serverImage,
          imagePullPolicy: config.imagePullPolicy,
          s3SecretName: config.s3SecretName,
          tokenSecretName: config.tokenSecretName,
          defaultResources: config.serverResources,
          defaultPlacement: config.servingDefaults,
          clusterDomain: config.clusterDomain,
        },
      },
    });
    const trainingRunReconciler = createTrainingRunReconciler({
      rest,
      informers,
      recorder,
      now,
      log,
      openArtifacts: deps.openArtifacts ?? secretBackedArtifactStores(rest, config.s3SecretName, deps.podEnv),
      settings: {
        trainerImage: config.trainerImage,
        imagePullPolicy: config.imagePullPolicy,
        s3SecretName: config.s3SecretName,
        artifactBaseUri: config.artifactBaseUri,
        jobTtlSeconds: config.jobTtlSeconds,
        trainerResources: config.trainerResources,
        trainerPlacement: config.trainingDefaults,
      },
    });
    queues = { forecastModels: queueFor('forecastmodel', forecastModelReconciler), trainingRuns: queueFor('trainingrun', trainingRunReconciler) };
    metrics.queueDepth.reset();
    const runs = informers.trainingRuns;
    metrics.watchTrainingRuns(() => (synced ? runs.list() : []));
    await informers.start();
    if (stopped) return;
    // Handlers stay quiet until every cache is filled, so no reconcile decides on a half-listed world.
    synced = true;
    resyncAll();
    scraper.start();
    log.info({ namespaces: config.watchNamespaces.length > 0 ? config.watchNamespaces : 'all' }, 'controllers started');
  }

  function resyncAll(): void {
    if (!informers || !queues || !synced) return;
    for (const fm of informers.forecastModels.list()) queues.forecastModels.add(objectKey(fm.metadata.namespace, fm.metadata.name));
    for (const run of informers.trainingRuns.list()) queues.trainingRuns.add(objectKey(run.metadata.namespace, run.metadata.name));
  }

  const depthTimer = setInterval(() => {
    if (!queues) return;
    metrics.queueDepth.set({ controller: 'forecastmodel' }, queues.forecastModels.depth());
    metrics.queueDepth.set({ controller: 'trainingrun' }, queues.trainingRuns.depth());
  }, 1000);
  depthTimer.unref();

  return {
    metrics,
    async start() {
      if (!config.leaderElection.enabled) {
        metrics.leader.set(1);
        await startControllers();
        return;
      }
      const leading = Promise.withResolvers<void>();
      election = startLeaderElection({
        rest: electionRest,
        namespace: config.operatorNamespace,
        name: config.leaderElection.leaseName,
        identity: config.leaderElection.identity,
        durationSeconds: config.leaderElection.leaseDurationSeconds,
        retryPeriodSeconds: config.leaderElection.retryPeriodSeconds,
        log,
        ...(deps.monotonicNow ? { monotonicNow: deps.monotonicNow } : {}),
        onStartedLeading: () => {
          metrics.leader.set(1);
          startControllers().then(leading.resolve, leading.reject);
        },
        onStoppedLeading: () => {
          metrics.leader.set(0);
          synced = false;
          informers?.stop();
          void scraper?.stop();
          void queues?.forecastModels.shutdown();
          void queues?.trainingRuns.shutdown();
          deps.onLostLeadership?.();
        },
      });
      // A standby resolves at once and keeps campaigning in the background.
      await Promise.race([leading.promise, new Promise((resolve) => setTimeout(resolve, 100))]);
    },
    async stop() {
      stopped = true;
      synced = false;
      clearInterval(depthTimer);
      informers?.stop();
      await Promise.all([scraper?.stop(), queues?.forecastModels.shutdown(), queues?.trainingRuns.shutdown()]);
      await election?.stop();
    },
    healthy: () => !stopped,
    ready: () => (config.leaderElection.enabled && !election?.isLeader() ? !stopped : synced),
    resyncAll,
    async settled() {
      if (!queues) return;
      await Promise.all([queues.forecastModels.drained(), queues.trainingRuns.drained()]);
    },
  };
}
