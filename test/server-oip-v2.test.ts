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

  it('server metadata with a trailing slash, behind the same token check', async () => {
    const slashed = await serving.app.request('/v2/', { headers: auth });
    expect(slashed.status).toBe(200);
    expect(await jsonOf(slashed)).toEqual({ name: 'make-us-rich-inference', version: '0.0.0-test', extensions: [] });
    expect((await serving.app.request('/v2/')).status).toBe(401);
  });

  it('model metadata and readiness, with and without the version in the path', async () => {
    const expected = {
      name: 'btc-usdt',
      versions: ['run-7'],
      platform: 'onnx_onnxv1',
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

  it('refuses FP32 values beyond the float32 range instead of turning them into infinities', async () => {
    for (const value of [1e39, -1e39, 3.5e38]) {
      const data = Array.from(features.subarray(0, 96));
      data[5] = value;
      const body = { inputs: [{ name: 'features', shape: [1, 12, 8], datatype: 'FP32', data }] };
      const response = await serving.app.request('/v2/models/btc-usdt/infer', { method: 'POST', headers: auth, body: JSON.stringify(body) });
      expect(response.status, String(value)).toBe(400);
      expect(await jsonOf(response)).toMatchObject({ code: 'bad_request', field: 'inputs[0].data[5]', error: expect.stringMatching(/^inputs\[0\]\.data\[5\]: .*FP32 range/) });
    }
  });

  it('refuses nested data whose nesting does not follow the shape', async () => {
    const values = Array.from(features);
    const rowsOf = (flat: number[], size: number) => Array.from({ length: flat.length / size }, (_, i) => flat.slice(i * size, (i + 1) * size));
    const cases: Array<[string, unknown, string]> = [
      // Two samples of 96 values each: the right count, one level short of [2, 12, 8].
      ['a level missing', rowsOf(values, 96), 'inputs[0].data[0]'],
      // 24 rows of 8 without the batch level.
      ['the batch level missing', rowsOf(values, 8), 'inputs[0].data'],
      // [2, 8, 12]: every window transposed.
      ['transposed windows', rowsOf(values, 96).map((sample) => rowsOf(sample, 12)), 'inputs[0].data[0]'],
      // Ragged rows: 7 values, then 9.
      ['ragged rows', [0, 1].map((b) => rowsOf(values.slice(b * 96, (b + 1) * 96), 8).map((row, t) => (t === 0 ? row.slice(0, 7) : t === 1 ? [...row, 0] : row))), 'inputs[0].data[0][0]'],
    ];
    for (const [name, data, field] of cases) {
      const body = { inputs: [{ name: 'features', shape: [2, 12, 8], datatype: 'FP32', data }] };
      const response = await serving.app.request('/v2/models/btc-usdt/infer', { method: 'POST', headers: auth, body: JSON.stringify(body) });
      expect(response.status, name).toBe(400);
      expect(await jsonOf(response), name).toMatchObject({ code: 'bad_request', field });
    }
  });

  it('refuses lists and parameter maps longer than any client sends, by their count', async () => {
    const data = Array.from(features.subarray(0, 96));
    const input = { name: 'features', shape: [1, 12, 8], datatype: 'FP32', data };
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`p${i}`, i]));
    const cases: Array<[unknown, string, string]> = [
      [{ inputs: [{ ...input, shape: [1, 12, 8, ...new Array(62).fill(1)] }] }, 'inputs[0].shape', 'must not have more than 64 items'],
      [{ inputs: [input], outputs: new Array(65).fill({ name: 'quantiles' }) }, 'outputs', 'must not have more than 64 items'],
      [{ inputs: [input], parameters: many }, 'parameters', 'must not have more than 64 properties'],
      [{ inputs: [{ ...input, parameters: many }] }, 'inputs[0].parameters', 'must not have more than 64 properties'],
      [{ inputs: new Array(65).fill(input) }, 'inputs', 'must not have more than 64 items'],
      // Beside 65,000 data values, a bad shape is still named (the data is not listed with it).
      [{ inputs: [{ ...input, shape: 'x', data: new Array(65_000).fill(0) }] }, 'inputs[0].shape', 'must be array'],
    ];
    for (const [body, field, problem] of cases) {
      const response = await serving.app.request('/v2/models/btc-usdt/infer', { method: 'POST', headers: auth, body: JSON.stringify(body) });
      expect(response.status, field).toBe(400);
      expect(await jsonOf(response), field).toMatchObject({ code: 'bad_request', field, error: `${field}: ${problem}` });
    }
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
