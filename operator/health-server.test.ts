import { describe, expect, it } from 'vitest';
import { createHealthApp } from './health-server.ts';
import { createOperatorMetrics } from './metrics.ts';

describe('createHealthApp', () => {
  it('answers the probes from the given state', async () => {
    let ready = false;
    const metrics = createOperatorMetrics();
    const app = createHealthApp({ healthy: () => true, ready: () => ready, registry: metrics.registry });
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(503);
    ready = true;
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('serves the reconcile and queue metrics for Prometheus', async () => {
    const metrics = createOperatorMetrics();
    metrics.reconciles.inc({ controller: 'forecastmodel', result: 'success' }, 3);
    metrics.queueDepth.set({ controller: 'trainingrun' }, 7);
    const app = createHealthApp({ healthy: () => true, ready: () => true, registry: metrics.registry });
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('mur_operator_reconcile_total{controller="forecastmodel",result="success"} 3');
    expect(text).toContain('mur_operator_queue_depth{controller="trainingrun"} 7');
    expect(text).toContain('mur_operator_process_resident_memory_bytes');
  });
});
