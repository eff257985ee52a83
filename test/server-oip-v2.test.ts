// KServe Open Inference Protocol v2 routes: request and response shapes, against a direct onnxruntime call.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, manualClock, startTestServing, type TestServing } from './support/server-harness.ts';

const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8, version: 'run-7' });
const TOKEN = 'alice-token-0123456789abcdef';
const auth = bearer(TOKEN, { 'Content-Type': 'application/json' });
let serving: TestServing;

/** Two feature windows [2, 12, 8] of arbitrary but fixed values. */
const features = Float32Array.from({ length: 2 * 12 * 8 }, (_, i) => Math.sin(i * 0.37) * 0.8);

beforeAll(async () => {
  serving = await startTestServing({ artifact, clock: manualClock(Date.UTC(2025, 0, 1)), tokens: { alice: TOKEN } });
});
afterAll(async () => {
  await serving.close();
});

describe('health and metadata', () => {
  it('server live and ready, without a token', async () => {
    expect(await jsonOf(serving.app.request('/v2/health/live'))).toEqual({ live: true });
    const ready = await serving.app.request('/v2/health/ready');
    expect(ready.status).toBe(200);
    expect(await jsonOf(ready)).toEqual({ ready: true });
  });

  it('server metadata', async () => {
    expect(await jsonOf(serving.app.request('/v2', { headers: auth }))).toEqual({ name: 'make-us-rich-inference', version: '0.0.0-test', extensions: [] });
  });

  it('model metadata and readiness, with and without the version in the path', async () => {
    const expected = {
      name: 'btc-usdt',
      versions: ['run-7'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 12, 8] }],
      outputs: [{ name: 'quantiles', datatype: 'FP32', shape: [-1, 4, 3] }],
    };
    expect(await jsonOf(serving.app.request('/v2/models/btc-usdt', { headers: auth }))).toMatchObject(expected);
    expect(await jsonOf(serving.app.request('/v2/models/btc-usdt/versions/run-7', { headers: auth }))).toMatchObject(expected);
    expect(await jsonOf(serving.app.request('/v2/models/btc-usdt/ready', { headers: auth }))).toEqual({ name: 'btc-usdt', ready: true });
    expect(await jsonOf(serving.app.request('/v2/models/btc-usdt/versions/run-7/ready', { headers: auth }))).toEqual({ name: 'btc-usdt', ready: true });
  });

  it('404s, in the protocol’s {"error": "..."} shape, for another model or version', async () => {
    const other = await serving.app.request('/v2/models/eth-usdt', { headers: auth });
    expect(other.status).toBe(404);
    expect(await jsonOf(other)).toMatchObject({ error: 'model "eth-usdt" is not served here; this server serves "btc-usdt"' });
    const version = await serving.app.request('/v2/models/btc-usdt/versions/run-6/infer', { method: 'POST', headers: auth, body: '{}' });
    expect(version.status).toBe(404);
    expect((await jsonOf(version)).error).toBe('model version "run-6" is not served here; the loaded version is "run-7"');
  });
});

describe('POST /v2/models/{name}/infer', () => {
  it('returns the FP32 quantile tensor onnxruntime computes for the same input', async () => {
    const body = { id: 'req-1', inputs: [{ name: 'features', shape: [2, 12, 8], datatype: 'FP32', data: Array.from(features) }], outputs: [{ name: 'quantiles' }] };
    const response = await serving.app.request('/v2/models/btc-usdt/infer', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const result = await jsonOf(response);

    const session = await ort.InferenceSession.create(artifact.modelOnnx);
    const direct = await session.run({ features: new ort.Tensor('float32', features, [2, 12, 8]) });
    await session.release();
    expect(result).toEqual({
      model_name: 'btc-usdt',
      model_version: 'run-7',
      id: 'req-1',
      outputs: [{ name: 'quantiles', shape: [2, 4, 3], datatype: 'FP32', data: Array.from(direct['quantiles']!.data as Float32Array) }],
    });
  });

  it('accepts nested data and the versioned path', async () => {
    const nested = [0, 1].map((b) => Array.from({ length: 12 }, (_, t) => Array.from(features.subarray((b * 12 + t) * 8, (b * 12 + t + 1) * 8))));
    const body = { inputs: [{ name: 'features', shape: [2, 12, 8], datatype: 'FP32', data: nested }] };
    const response = await serving.app.request('/v2/models/btc-usdt/versions/run-7/infer', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const result = await jsonOf(response);
    expect(result.outputs[0].shape).toEqual([2, 4, 3]);
    expect(result).not.toHaveProperty('id');
  });

  it('refuses a tensor the model cannot take with a 400 naming the field', async () => {
    const body = { inputs: [{ name: 'features', shape: [1, 12, 7], datatype: 'FP32', data: new Array(84).fill(0) }] };
    const response = await serving.app.request('/v2/models/btc-usdt/infer', { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toMatchObject({ error: 'inputs[0].shape: must be [n, 12, 8], got [1, 12, 7]', field: 'inputs[0].shape', code: 'bad_request' });
  });

  it('counts inference batches in /metrics', async () => {
    const text = await (await serving.app.request('/metrics')).text();
    expect(text).toMatch(/^mur_http_requests_total\{method="POST",route="\/v2\/models\/:name\/infer",status="200"\} 1$/m);
    expect(text).toMatch(/^mur_inference_batch_size_sum [1-9]\d*$/m);
  });
});

describe('MODEL_NAME', () => {
  it('replaces the name derived from the pair', async () => {
    const named = await startTestServing({ artifact, clock: manualClock(0), tokens: { alice: TOKEN }, modelName: 'btc-hourly' });
    try {
      expect((await named.app.request('/v2/models/btc-hourly/ready', { headers: auth })).status).toBe(200);
      expect((await named.app.request('/v2/models/btc-usdt/ready', { headers: auth })).status).toBe(404);
    } finally {
      await named.close();
    }
  });
});
