// What the KServe Open Inference Protocol v2 prescribes beyond request and response shapes: the platform
// name, readiness answered by status (200 true, 4xx false), 415 for a body that is not JSON, 405 with
// Allow for a known route and the wrong method, and unknown request fields refused as on /v1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, manualClock, startTestServing, type TestServing } from './support/server-harness.ts';

const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8, version: 'run-7' });
const TOKEN = 'alice-token-0123456789abcdef';
const auth = bearer(TOKEN, { 'Content-Type': 'application/json' });
const input = { name: 'features', shape: [1, 12, 8], datatype: 'FP32', data: new Array(96).fill(0.25) };
let serving: TestServing;

beforeAll(async () => {
  serving = await startTestServing({ artifact, clock: manualClock(Date.UTC(2025, 0, 1)), tokens: { alice: TOKEN } });
});
afterAll(async () => {
  await serving.close();
});

const infer = (body: unknown, headers: Record<string, string> = auth) =>
  serving.app.request('/v2/models/btc-usdt/infer', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('model metadata', () => {
  it('names the platform as the protocol lists ONNX models', async () => {
    expect(await jsonOf(serving.app.request('/v2/models/btc-usdt', { headers: auth }))).toMatchObject({ platform: 'onnx_onnxv1' });
  });
});

describe('readiness', () => {
  it('answers "not ready" with 400 on the server and model ready routes, and stays live', async () => {
    for (const setUp of [() => serving.setModelStatus({ state: 'loading', attempts: 1, lastError: 'storage down' }), () => serving.setDraining(true)]) {
      setUp();
      try {
        const server = await serving.app.request('/v2/health/ready');
        expect(server.status).toBe(400);
        expect(await jsonOf(server)).toEqual({ ready: false });
        for (const path of ['/v2/models/btc-usdt/ready', '/v2/models/btc-usdt/versions/run-7/ready']) {
          const model = await serving.app.request(path, { headers: auth });
          expect(model.status, path).toBe(400);
          expect(await jsonOf(model), path).toEqual({ name: 'btc-usdt', ready: false });
        }
        expect((await serving.app.request('/v2/health/live')).status).toBe(200);
      } finally {
        serving.setModelStatus({ state: 'ready', model: serving.model });
        serving.setDraining(false);
      }
    }
    expect((await serving.app.request('/v2/health/ready')).status).toBe(200);
    expect((await serving.app.request('/v2/models/btc-usdt/ready', { headers: auth })).status).toBe(200);
  });
});

describe('Content-Type of POST infer', () => {
  it('refuses a body declared as anything but JSON with 415, before reading it', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
      const response = await infer({ inputs: [input] }, bearer(TOKEN, { 'Content-Type': type }));
      expect(response.status, type).toBe(415);
      expect(await jsonOf(response), type).toMatchObject({ code: 'unsupported_media_type', field: 'Content-Type', error: `Content-Type: must be application/json, got "${type}"` });
    }
  });

  it('takes application/json with parameters, in any case, and a body without Content-Type', async () => {
    expect((await infer({ inputs: [input] }, bearer(TOKEN, { 'Content-Type': 'Application/JSON; charset=utf-8' }))).status).toBe(200);
    const untyped = await serving.app.request('/v2/models/btc-usdt/infer', { method: 'POST', headers: bearer(TOKEN), body: new TextEncoder().encode(JSON.stringify({ inputs: [input] })) });
    expect(untyped.status).toBe(200);
  });
});

describe('wrong method on a known route', () => {
  it.each([
    ['DELETE', '/v1/forecast', 'GET, HEAD, POST'],
    ['PUT', '/v1/model', 'GET, HEAD'],
    ['GET', '/v2/models/btc-usdt/infer', 'POST'],
    ['GET', '/v2/models/btc-usdt/versions/run-7/infer', 'POST'],
    ['POST', '/v2/models/btc-usdt/ready', 'GET, HEAD'],
    ['POST', '/v2/health/ready', 'GET, HEAD'],
    ['DELETE', '/healthz', 'GET, HEAD'],
  ])('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    const response = await serving.app.request(path, { method, headers: auth });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(await jsonOf(response)).toMatchObject({ code: 'method_not_allowed', error: `method ${method} is not allowed on ${path}; allowed: ${allow}` });
  });

  it('still answers 404 for a path no route serves, and 401 before 405 without a token', async () => {
    expect((await serving.app.request('/v2/models/btc-usdt/explain', { method: 'POST', headers: auth })).status).toBe(404);
    expect((await serving.app.request('/v1/forecast', { method: 'DELETE' })).status).toBe(401);
  });
});

describe('unknown fields', () => {
  it.each([
    ['at the top level', { inputs: [input], extra: 1 }, 'extra'],
    ['named __proto__', `{"__proto__":{"polluted":true},"inputs":${JSON.stringify([input])}}`, '__proto__'],
    ['in an input', { inputs: [{ ...input, contents: {} }] }, 'inputs[0].contents'],
    ['in a requested output', { inputs: [input], outputs: [{ name: 'quantiles', binary_data: true }] }, 'outputs[0].binary_data'],
    ['misspelling outputs', { inputs: [input], output: [{ name: 'quantiles' }] }, 'output'],
  ])('are refused %s with a 400 naming the field, as on /v1', async (_, body, field) => {
    const response = await infer(body);
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toMatchObject({ code: 'bad_request', field, error: `${field}: is not a known field` });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('leaves the free-form parameter maps free', async () => {
    const body = { id: 'r1', parameters: { priority: 1, anything: 'x' }, inputs: [{ ...input, parameters: { custom: true } }], outputs: [{ name: 'quantiles', parameters: { x: 1 } }] };
    expect((await infer(body)).status).toBe(200);
  });
});
