import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HttpRequestMetrics } from './http-request-metrics.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: Array<[string, string, number, number]> = [
  ['GET', '/v1/forecast', 200, 0.0004],
  ['GET', '/v1/forecast', 200, 0.001], // on a bound: counted in that bucket, as prom-client does
  ['GET', '/v1/forecast', 200, 0.05],
  ['POST', '/v1/forecast', 400, 2.5], // above every bound: only +Inf
  ['GET', '/v1/forecast', 200, 0.0099],
];

/** The same observations through prom-client's own Counter and Histogram: the reference exposition. */
async function promClientExposition(): Promise<string> {
  const registry = new Registry();
  const counter = new Counter({ name: 'requests_total', help: 'requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const histogram = new Histogram({ name: 'duration_seconds', help: 'latency', labelNames: ['method', 'route', 'status'], buckets: BUCKETS, registers: [registry] });
  for (const [method, route, status, seconds] of OBSERVATIONS) {
    counter.inc({ method, route, status: String(status) });
    histogram.observe({ method, route, status: String(status) }, seconds);
  }
  return registry.metrics();
}

function ours(registry: Registry): HttpRequestMetrics {
  return new HttpRequestMetrics({ registry, counterName: 'requests_total', counterHelp: 'requests', histogramName: 'duration_seconds', histogramHelp: 'latency', buckets: BUCKETS });
}

describe('HttpRequestMetrics', () => {
  it('exposes exactly what a prom-client Counter and Histogram fed the same requests would', async () => {
    const registry = new Registry();
    const metrics = ours(registry);
    const bound = metrics.series('GET', '/v1/forecast', 200);
    for (const [method, route, status, seconds] of OBSERVATIONS) {
      if (method === 'GET') bound.record(seconds);
      else metrics.record(method, route, status, seconds);
    }
    expect(await registry.metrics()).toBe(await promClientExposition());
  });

  it('reads back as JSON like prom-client, with le merged into the labels', async () => {
    const registry = new Registry();
    ours(registry).record('GET', '/v1/model', 200, 0.002);
    const [counter, histogram] = await registry.getMetricsAsJSON();
    expect(counter).toMatchObject({ name: 'requests_total', type: 'counter', values: [{ value: 1, labels: { method: 'GET', route: '/v1/model', status: '200' } }] });
    expect(histogram!.values).toContainEqual({ value: 1, metricName: 'duration_seconds_bucket', labels: { le: 0.01, method: 'GET', route: '/v1/model', status: '200' } });
    expect(histogram!.values).toContainEqual({ value: 0, metricName: 'duration_seconds_bucket', labels: { le: 0.001, method: 'GET', route: '/v1/model', status: '200' } });
  });

  it('keeps bound series working across a registry reset', async () => {
    const registry = new Registry();
    const metrics = ours(registry);
    const bound = metrics.series('GET', '/healthz', 200);
    bound.record(0.5);
    registry.resetMetrics();
    bound.record(0.0001);
    const text = await registry.metrics();
    expect(text).toContain('requests_total{method="GET",route="/healthz",status="200"} 1');
    expect(text).toContain('duration_seconds_sum{method="GET",route="/healthz",status="200"} 0.0001');
  });

  it('refuses buckets that are not strictly ascending', () => {
    expect(() => new HttpRequestMetrics({ registry: new Registry(), counterName: 'a', counterHelp: 'a', histogramName: 'b', histogramHelp: 'b', buckets: [0.1, 0.1] })).toThrow(/strictly ascending/);
  });
});
