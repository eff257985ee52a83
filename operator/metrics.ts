import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WorkQueue, WorkQueueMetrics } from './queue/work-queue.ts';

/**
 * controller-runtime's work-queue buckets (10 ns to 1000 s, ×10): a key waits microseconds when idle and minutes
 * behind a backlog, and the same bounds keep its stock dashboards' quantiles comparable.
 */
const WORK_QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000];
/** client-go's rest_client_request_duration_seconds buckets: a watch-free request takes milliseconds, a slow etcd seconds. */
const API_LATENCY_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** The work-queue metrics of controller-runtime (`workqueue_*`, under the operator's prefix), by controller. */
export interface OperatorWorkQueueMetrics {
  readonly depth: Gauge<'controller'>;
  readonly adds: Counter<'controller'>;
  readonly retries: Counter<'controller'>;
  readonly queueDuration: Histogram<'controller'>;
  readonly workDuration: Histogram<'controller'>;
  readonly unfinishedWork: Gauge<'controller'>;
  readonly longestRunningProcessor: Gauge<'controller'>;
  /** The hooks a controller's queue reports through. */
  observerFor(controller: string): WorkQueueMetrics;
  /** Read `queue`'s in-flight times at each scrape, replacing the controller's previous queue. */
  watch(controller: string, queue: Pick<WorkQueue, 'unfinishedWorkSeconds' | 'longestRunningProcessorSeconds'>): void;
}

/** The fields of a TrainingRun the failure count reads. */
export interface TrainingRunOutcome {
  readonly metadata: { readonly namespace?: string; readonly name: string; readonly creationTimestamp?: string };
  readonly spec?: { readonly forecastModel?: string };
  readonly status?: { readonly phase?: string };
}

/** Per ForecastModel (`namespace/name`), how many of its newest finished runs failed in a row. */
export function consecutiveTrainingFailures(runs: Iterable<TrainingRunOutcome>): Map<string, number> {
  const byModel = new Map<string, TrainingRunOutcome[]>();
  for (const run of runs) {
    const phase = run.status?.phase;
    if (!run.spec?.forecastModel || (phase !== 'Succeeded' && phase !== 'Failed')) continue;
    const key = `${run.metadata.namespace ?? ''}/${run.spec.forecastModel}`;
    byModel.set(key, [...(byModel.get(key) ?? []), run]);
  }
  const counts = new Map<string, number>();
  for (const [key, finished] of byModel) {
    // Newest first; names break ties within one second, as the operator names runs by trigger hash.
    finished.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || b.metadata.name.localeCompare(a.metadata.name));
    const streak = finished.findIndex((run) => run.status?.phase !== 'Failed');
    counts.set(key, streak === -1 ? finished.length : streak);
  }
  return counts;
}

/** The operator's Prometheus metrics. */
export interface OperatorMetrics {
  readonly registry: Registry;
  readonly reconciles: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly queueDepth: Gauge<'controller'>;
  readonly workQueue: OperatorWorkQueueMetrics;
  readonly apiRequests: Counter<'verb' | 'code'>;
  readonly apiRequestDuration: Histogram<'verb' | 'code'>;
  readonly leader: Gauge;
  /** Scrapes of the inference services' live record, by ForecastModel and result (success or error). */
  readonly liveRecordScrapes: Counter<'model_namespace' | 'forecast_model' | 'result'>;
  /** TrainingRuns started because the live record crossed a spec.training.retrainWhen bound, by ForecastModel. */
  readonly driftTrainingRuns: Counter<'model_namespace' | 'forecast_model'>;
  /** `mur_operator_training_consecutive_failures`, by ForecastModel: read from `source` (the TrainingRun cache) at each scrape. */
  watchTrainingRuns(source: () => Iterable<TrainingRunOutcome>): void;
}

/** A fresh registry with the operator's metrics and the Node.js process metrics (memory, CPU, event loop). */
export function createOperatorMetrics(): OperatorMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'mur_operator_' });
  let trainingRuns: () => Iterable<TrainingRunOutcome> = () => [];
  // Labels avoid "namespace", which Prometheus sets to the scraped pod's namespace and would rename.
  new Gauge({
    name: 'mur_operator_training_consecutive_failures',
    help: 'Newest finished TrainingRuns of a ForecastModel that failed in a row (0 after a success; only the leader reports; bounded by failedRunsHistoryLimit)',
    labelNames: ['model_namespace', 'forecast_model'],
    registers,
    collect() {
      this.reset();
      for (const [key, count] of consecutiveTrainingFailures(trainingRuns())) {
        const slash = key.indexOf('/');
        this.set({ model_namespace: key.slice(0, slash), forecast_model: key.slice(slash + 1) }, count);
      }
    },
  });
  return {
    registry,
    reconciles: new Counter({ name: 'mur_operator_reconcile_total', help: 'Reconciles by controller and result (success or error)', labelNames: ['controller', 'result'], registers }),
    reconcileErrors: new Counter({ name: 'mur_operator_reconcile_errors_total', help: 'Reconciles that failed and were requeued with backoff', labelNames: ['controller'], registers }),
    reconcileDuration: new Histogram({
      name: 'mur_operator_reconcile_duration_seconds',
      help: 'Time spent in one reconcile',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queueDepth: new Gauge({ name: 'mur_operator_queue_depth', help: 'Keys waiting in the work queue', labelNames: ['controller'], registers }),
    workQueue: createWorkQueueMetrics(registry),
    apiRequests: new Counter({ name: 'mur_operator_api_requests_total', help: 'Requests to the Kubernetes API by verb and status code', labelNames: ['verb', 'code'], registers }),
    apiRequestDuration: new Histogram({
      name: 'mur_operator_api_request_duration_seconds',
      help: 'Latency of Kubernetes API requests, by verb and status code (0: no answer)',
      labelNames: ['verb', 'code'],
      buckets: API_LATENCY_BUCKETS,
      registers,
    }),
    leader: new Gauge({ name: 'mur_operator_leader', help: '1 while this replica holds the leader Lease', registers }),
    liveRecordScrapes: new Counter({
      name: 'mur_operator_live_record_scrapes_total',
      help: 'Scrapes of an inference service\'s /metrics for its live track record (ForecastModels with retrainWhen), by result (success or error)',
      labelNames: ['model_namespace', 'forecast_model', 'result'],
      registers,
    }),
    driftTrainingRuns: new Counter({
      name: 'mur_operator_drift_training_runs_total',
      help: 'TrainingRuns started because the live record crossed a spec.training.retrainWhen bound',
      labelNames: ['model_namespace', 'forecast_model'],
      registers,
    }),
    watchTrainingRuns(source) {
      trainingRuns = source;
    },
  };
}

function createWorkQueueMetrics(registry: Registry): OperatorWorkQueueMetrics {
  const registers = [registry];
  const labelNames = ['controller'] as const;
  const watched = new Map<string, Pick<WorkQueue, 'unfinishedWorkSeconds' | 'longestRunningProcessorSeconds'>>();
  const depth = new Gauge({ name: 'mur_operator_workqueue_depth', help: 'Current depth of the work queue', labelNames, registers });
  const adds = new Counter({ name: 'mur_operator_workqueue_adds_total', help: 'Adds handled by the work queue', labelNames, registers });
  const retries = new Counter({ name: 'mur_operator_workqueue_retries_total', help: 'Retries (failed keys put back with backoff) handled by the work queue', labelNames, registers });
  const queueDuration = new Histogram({ name: 'mur_operator_workqueue_queue_duration_seconds', help: 'Seconds a key stays in the work queue before it is reconciled', labelNames, buckets: WORK_QUEUE_BUCKETS, registers });
  const workDuration = new Histogram({ name: 'mur_operator_workqueue_work_duration_seconds', help: 'Seconds processing a key from the work queue takes', labelNames, buckets: WORK_QUEUE_BUCKETS, registers });
  // Read at scrape time rather than on a timer: a stuck reconcile shows its true age in every scrape.
  const unfinishedWork = new Gauge({
    name: 'mur_operator_workqueue_unfinished_work_seconds',
    help: 'Seconds of work in progress not yet observed by work_duration; a steady climb means stuck reconciles',
    labelNames,
    registers,
    collect() {
      for (const [controller, queue] of watched) this.set({ controller }, queue.unfinishedWorkSeconds());
    },
  });
  const longestRunningProcessor = new Gauge({
    name: 'mur_operator_workqueue_longest_running_processor_seconds',
    help: 'Seconds the longest running reconcile of the work queue has been running',
    labelNames,
    registers,
    collect() {
      for (const [controller, queue] of watched) this.set({ controller }, queue.longestRunningProcessorSeconds());
    },
  });
  return {
    depth,
    adds,
    retries,
    queueDuration,
    workDuration,
    unfinishedWork,
    longestRunningProcessor,
    observerFor(controller) {
      const labels = { controller };
      // Bound once: the queue reports on every add and reconcile.
      const boundDepth = depth.labels(labels);
      const boundAdds = adds.labels(labels);
      const boundRetries = retries.labels(labels);
      const boundQueued = queueDuration.labels(labels);
      const boundWorked = workDuration.labels(labels);
      // Zero series from the start, so rate() and increase() see the first add and retry.
      boundAdds.inc(0);
      boundRetries.inc(0);
      boundDepth.set(0);
      return {
        added: () => boundAdds.inc(),
        retried: () => boundRetries.inc(),
        depth: (keys) => boundDepth.set(keys),
        queued: (seconds) => boundQueued.observe(seconds),
        worked: (seconds) => boundWorked.observe(seconds),
      };
    },
    watch(controller, queue) {
      watched.set(controller, queue);
    },
  };
}
