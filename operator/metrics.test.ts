import { describe, expect, it } from 'vitest';
import { consecutiveTrainingFailures, createOperatorMetrics } from './metrics.ts';

describe('createOperatorMetrics', () => {
  it('exports the work-queue metrics under controller-runtime names with the operator prefix, by controller', async () => {
    const metrics = createOperatorMetrics();
    const observer = metrics.workQueue.observerFor('trainingrun');
    observer.added();
    observer.added();
    observer.retried();
    observer.depth(4);
    observer.queued(0.002);
    observer.worked(1.5);
    metrics.workQueue.watch('trainingrun', { unfinishedWorkSeconds: () => 12.5, longestRunningProcessorSeconds: () => 9 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('mur_operator_workqueue_adds_total{controller="trainingrun"} 2');
    expect(text).toContain('mur_operator_workqueue_retries_total{controller="trainingrun"} 1');
    expect(text).toContain('mur_operator_workqueue_depth{controller="trainingrun"} 4');
    expect(text).toContain('mur_operator_workqueue_queue_duration_seconds_bucket{le="0.01",controller="trainingrun"} 1');
    expect(text).toContain('mur_operator_workqueue_work_duration_seconds_sum{controller="trainingrun"} 1.5');
    expect(text).toContain('mur_operator_workqueue_unfinished_work_seconds{controller="trainingrun"} 12.5');
    expect(text).toContain('mur_operator_workqueue_longest_running_processor_seconds{controller="trainingrun"} 9');
  });

  it('starts a controller\'s adds and retries at zero, so rate() sees the first one', async () => {
    const metrics = createOperatorMetrics();
    metrics.workQueue.observerFor('forecastmodel');
    const text = await metrics.registry.metrics();
    expect(text).toContain('mur_operator_workqueue_adds_total{controller="forecastmodel"} 0');
    expect(text).toContain('mur_operator_workqueue_retries_total{controller="forecastmodel"} 0');
  });

  it('reads the in-flight times of the newest queue a controller watches', async () => {
    const metrics = createOperatorMetrics();
    metrics.workQueue.watch('forecastmodel', { unfinishedWorkSeconds: () => 1, longestRunningProcessorSeconds: () => 1 });
    metrics.workQueue.watch('forecastmodel', { unfinishedWorkSeconds: () => 0, longestRunningProcessorSeconds: () => 0 });
    expect(await metrics.registry.metrics()).toContain('mur_operator_workqueue_unfinished_work_seconds{controller="forecastmodel"} 0');
  });

  it('records Kubernetes API latency by verb and code', async () => {
    const metrics = createOperatorMetrics();
    metrics.apiRequestDuration.observe({ verb: 'PATCH', code: '200' }, 0.03);
    const text = await metrics.registry.metrics();
    expect(text).toContain('mur_operator_api_request_duration_seconds_bucket{le="0.1",verb="PATCH",code="200"} 1');
    expect(text).toContain('mur_operator_api_request_duration_seconds_bucket{le="0.025",verb="PATCH",code="200"} 0');
  });
});

describe('consecutiveTrainingFailures', () => {
  const run = (name: string, created: string, phase: string | undefined, forecastModel = 'btc') => ({
    metadata: { namespace: 'markets', name, creationTimestamp: created },
    spec: { forecastModel },
    status: phase === undefined ? {} : { phase },
  });

  it('counts the newest finished runs of each ForecastModel that failed in a row, ignoring runs still going', () => {
    const counts = consecutiveTrainingFailures([
      run('btc-1', '2026-01-01T00:00:00Z', 'Succeeded'),
      run('btc-2', '2026-01-02T00:00:00Z', 'Failed'),
      run('btc-3', '2026-01-03T00:00:00Z', 'Failed'),
      run('btc-4', '2026-01-04T00:00:00Z', 'Running'),
      run('eth-1', '2026-01-01T00:00:00Z', 'Failed', 'eth'),
      run('sol-1', '2026-01-01T00:00:00Z', 'Failed', 'sol'),
      run('sol-2', '2026-01-02T00:00:00Z', 'Succeeded', 'sol'),
    ]);
    expect(counts).toEqual(new Map([['markets/btc', 2], ['markets/eth', 1], ['markets/sol', 0]]));
  });

  it('is exported by ForecastModel from the watched TrainingRun cache', async () => {
    const metrics = createOperatorMetrics();
    metrics.watchTrainingRuns(() => [run('btc-1', '2026-01-01T00:00:00Z', 'Failed'), run('btc-2', '2026-01-02T00:00:00Z', 'Failed')]);
    expect(await metrics.registry.metrics()).toContain('mur_operator_training_consecutive_failures{model_namespace="markets",forecast_model="btc"} 2');
  });
});
