import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The operator's Prometheus metrics. */
export interface OperatorMetrics {
  readonly registry: Registry;
  readonly reconciles: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly queueDepth: Gauge<'controller'>;
  readonly apiRequests: Counter<'verb' | 'code'>;
  readonly leader: Gauge;
}

/** A fresh registry with the operator's metrics and the Node.js process metrics (memory, CPU, event loop). */
export function createOperatorMetrics(): OperatorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mur_operator_' });
  return {
    registry,
    reconciles: new Counter({ name: 'mur_operator_reconcile_total', help: 'Reconciles by controller and result (success or error)', labelNames: ['controller', 'result'], registers: [registry] }),
    reconcileErrors: new Counter({ name: 'mur_operator_reconcile_errors_total', help: 'Reconciles that failed and were requeued with backoff', labelNames: ['controller'], registers: [registry] }),
    reconcileDuration: new Histogram({
      name: 'mur_operator_reconcile_duration_seconds',
      help: 'Time spent in one reconcile',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'mur_operator_queue_depth', help: 'Keys waiting in the work queue', labelNames: ['controller'], registers: [registry] }),
    apiRequests: new Counter({ name: 'mur_operator_api_requests_total', help: 'Requests to the Kubernetes API by verb and status code', labelNames: ['verb', 'code'], registers: [registry] }),
    leader: new Gauge({ name: 'mur_operator_leader', help: '1 while this replica holds the leader Lease', registers: [registry] }),
  };
}
