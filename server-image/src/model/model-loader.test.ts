import { describe, expect, it } from 'vitest';
import { makeManifest } from '../../../test/support/manifest-fixture.ts';
import { createServerMetrics } from '../metrics/server-metrics.ts';
import { ArtifactRefusedError } from './load-serving-model.ts';
import { createModelLoader, type ModelLoaderLog } from './model-loader.ts';
import type { ServingModel } from './serving-model.ts';

function recordingLog(): ModelLoaderLog & { entries: Array<{ level: string; message: string; details: Record<string, unknown> }> } {
  const entries: Array<{ level: string; message: string; details: Record<string, unknown> }> = [];
  const at = (level: string) => (details: Record<string, unknown>, message: string) => entries.push({ level, message, details });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

function fakeModel(): ServingModel & { released: boolean } {
  const model = {
    manifest: makeManifest(),
    stepMs: 3_600_000,
    released: false,
    forecast: async () => {
      throw new Error('not used');
    },
    infer: async () => new Float32Array(0),
    inferBackground: async () => new Float32Array(0),
    release: async () => {
      model.released = true;
    },
  };
  return model;
}

describe('createModelLoader', () => {
  it('retries storage failures with doubling, capped waits, then becomes ready', async () => {
    const waits: number[] = [];
    let attempts = 0;
    const metrics = createServerMetrics({ processMetrics: false });
    const model = fakeModel();
    const log = recordingLog();
    const loader = createModelLoader({
      load: async () => {
        attempts++;
        if (attempts <= 4) throw new Error('object storage at http://minio:9000 unreachable', { cause: new Error('ECONNREFUSED') });
        return model;
      },
      uri: 's3://artifacts/run-1/',
      log,
      metrics,
      baseDelayMs: 100,
      maxDelayMs: 500,
      sleep: async (ms) => {
        waits.push(ms);
        expect(loader.status()).toMatchObject({ state: 'loading', attempts: waits.length, lastError: 'object storage at http://minio:9000 unreachable: ECONNREFUSED' });
      },
    });
    const status = await loader.run();
    expect(waits).toEqual([100, 200, 400, 500]);
    expect(status).toEqual({ state: 'ready', model });
    expect((await metrics.registry.getSingleMetric('mur_model_ready')!.get()).values[0]!.value).toBe(1);
    const info = (await metrics.registry.getSingleMetric('mur_model_info')!.get()).values[0]!;
    expect(info.labels).toMatchObject({ version: 'btc-usdt-run-1', symbol: 'BTC/USDT', timeframe: '1h', feature_spec_version: '1' });
    expect((await metrics.registry.getSingleMetric('mur_model_load_failures_total')!.get()).values[0]).toMatchObject({ value: 4, labels: { reason: 'unavailable' } });
    await loader.stop();
    expect(model.released).toBe(true);
  });

  it('refuses an artifact it does not understand once, with one clear error line, and stays not ready', async () => {
    let attempts = 0;
    const log = recordingLog();
    const metrics = createServerMetrics({ processMetrics: false });
    const loader = createModelLoader({
      load: async () => {
        attempts++;
        throw new ArtifactRefusedError('manifest.json at s3://artifacts/run-1/ has schemaVersion 2; this build reads schemaVersion 1');
      },
      uri: 's3://artifacts/run-1/',
      log,
      metrics,
      sleep: async () => {
        throw new Error('a refused artifact must not be retried');
      },
    });
    expect(await loader.run()).toEqual({ state: 'refused', reason: expect.stringMatching(/schemaVersion 2/) });
    expect(attempts).toBe(1);
    const errors = log.entries.filter((e) => e.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/refusing to serve this artifact/);
    expect(errors[0]!.details['reason']).toMatch(/schemaVersion 2/);
    expect((await metrics.registry.getSingleMetric('mur_model_ready')!.get()).values[0]!.value).toBe(0);
  });

  it('stops retrying when stopped', async () => {
    let attempts = 0;
    const loader = createModelLoader({
      load: async () => {
        attempts++;
        throw new Error('unreachable');
      },
      uri: 'file:///x/',
      log: recordingLog(),
      metrics: createServerMetrics({ processMetrics: false }),
      sleep: async () => {
        await loader.stop();
      },
    });
    expect((await loader.run()).state).toBe('loading');
    expect(attempts).toBe(1);
  });
});
