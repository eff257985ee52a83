// Every route of the inference service through app.request(), around a real ONNX model and token files.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFeatureWindow } from '../core/features.ts';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, manualClock, startTestServing, type TestServing } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 3);
const TOKEN = 'alice-token-0123456789abcdef';
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 40 });
// 40 hourly candles from 3 March 00:00 have all closed at 4 March 16:00:05.
const clock = manualClock(T0 + 40 * HOUR + 5_000);
const auth = bearer(TOKEN);
let serving: TestServing;

/** The model's quantile log-returns for a window, straight from onnxruntime. */
async function directQuantiles(window: readonly (typeof candles)[number][]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(artifact.modelOnnx);
  const features = buildFeatureWindow(window, 12);
  const out = await session.run({ features: new ort.Tensor('float32', features, [1, 12, 8]) });
  await session.release();
  return out['quantiles']!.data as Float32Array;
}

beforeAll(async () => {
  serving = await startTestServing({ artifact, clock, feedCandles: candles, tokens: { alice: TOKEN, bob: 'bob-token-0123456789abcdef00' } });
});
afterAll(async () => {
  await serving.close();
});

describe('GET /v1/forecast', () => {
  it('returns the cached live forecast, priced as lastClose · exp(y), with its staleness', async () => {
    const response = await serving.app.request('/v1/forecast', { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await jsonOf(response);
    const y = await directQuantiles(candles.slice(-13));
    const lastClose = candles[39]!.close;
    expect(body).toEqual({
      stale: false,
      ageSeconds: 5,
      modelVersion: 'test-run-1',
      exchange: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      lastClose,
      lastCloseTime: T0 + 40 * HOUR,
      quantileLevels: [0.1, 0.5, 0.9],
      interval: { lower: 0.1, upper: 0.9 },
      points: [0, 1, 2, 3].map((step) => ({
        time: T0 + (41 + step) * HOUR,
        median: lastClose * Math.exp(y[step * 3 + 1]!),
        lower: lastClose * Math.exp(y[step * 3]!),
        upper: lastClose * Math.exp(y[step * 3 + 2]!),
      })),
    });
  });

  it('adds step numbers, ISO timestamps and every quantile with ?detail=full, and refuses an unknown detail', async () => {
    const compact = await jsonOf(serving.app.request('/v1/forecast', { headers: auth }));
    const body = await jsonOf(serving.app.request('/v1/forecast?detail=full', { headers: auth }));
    const y = await directQuantiles(candles.slice(-13));
    const lastClose = candles[39]!.close;
    expect(body).toEqual({ ...compact, lastCloseTimestamp: '2025-03-04T16:00:00.000Z', points: expect.any(Array) });
    expect(body.points).toHaveLength(4);
    body.points.forEach((point: Record<string, unknown>, step: number) => {
      expect(point).toEqual({
        step: step + 1,
        time: T0 + (41 + step) * HOUR,
        timestamp: new Date(T0 + (41 + step) * HOUR).toISOString(),
        median: lastClose * Math.exp(y[step * 3 + 1]!),
        lower: lastClose * Math.exp(y[step * 3]!),
        upper: lastClose * Math.exp(y[step * 3 + 2]!),
        quantiles: { '0.1': lastClose * Math.exp(y[step * 3]!), '0.5': lastClose * Math.exp(y[step * 3 + 1]!), '0.9': lastClose * Math.exp(y[step * 3 + 2]!) },
      });
    });
    expect(await jsonOf(serving.app.request('/v1/forecast?detail=compact', { headers: auth }))).toEqual(compact);
    const refused = await serving.app.request('/v1/forecast?detail=everything', { headers: auth });
    expect(refused.status).toBe(400);
    expect(await jsonOf(refused)).toMatchObject({ field: 'detail', error: 'detail: must be one of compact, full, got "everything"' });
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const echoed = await serving.app.request('/v1/forecast', { headers: { ...auth, 'X-Request-Id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    const replaced = await serving.app.request('/v1/forecast', { headers: { ...auth, 'X-Request-Id': 'bad id\twith tab' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('POST /v1/forecast', () => {
  it('forecasts from the caller’s candles, exactly as onnxruntime computes them', async () => {
    const window = candles.slice(5, 18);
    const response = await serving.app.request('/v1/forecast', { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ candles: window }) });
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    const y = await directQuantiles(window);
    expect(body.stale).toBe(false);
    expect(body.lastClose).toBe(window[12]!.close);
    expect(body.points.map((p: { median: number }) => p.median)).toEqual([1, 4, 7, 10].map((i) => window[12]!.close * Math.exp(y[i]!)));
    // Same candles as [t, o, h, l, c, v] rows: the same forecast.
    const rows = window.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]);
    const fromRows = await serving.app.request('/v1/forecast', { method: 'POST', headers: auth, body: JSON.stringify({ candles: rows }) });
    expect((await jsonOf(fromRows)).points).toEqual(body.points);
    // The full form carries every quantile, in level order.
    const full = await jsonOf(serving.app.request('/v1/forecast?detail=full', { method: 'POST', headers: auth, body: JSON.stringify({ candles: rows }) }));
    expect(full.points.map((p: { quantiles: Record<string, number> }) => Object.values(p.quantiles))).toEqual(
      [0, 1, 2, 3].map((step) => [0, 1, 2].map((j) => window[12]!.close * Math.exp(y[step * 3 + j]!))),
    );
  });
});

describe('GET /v1/candles and /v1/model', () => {
  it('lists the candles the live forecast is based on', async () => {
    const body = await jsonOf(serving.app.request('/v1/candles', { headers: auth }));
    expect(body).toMatchObject({ exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1h', stale: false, ageSeconds: 5 });
    expect(body.candles).toEqual(candles.slice(-13));
  });

  it('returns the manifest', async () => {
    const body = await jsonOf(serving.app.request('/v1/model', { headers: auth }));
    expect(body).toEqual(artifact.manifest);
  });
});

describe('health, metrics and OpenAPI need no token', () => {
  it('/healthz and /readyz', async () => {
    expect(await jsonOf(serving.app.request('/healthz'))).toEqual({ status: 'ok' });
    const ready = await serving.app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await jsonOf(ready)).toEqual({ ready: true, status: 'ready' });
  });

  it('/metrics exports request counts by route and status, latency, per-token counts by name, model info and forecast age', async () => {
    await serving.app.request('/v1/forecast', { headers: auth });
    await serving.app.request('/v1/nothing-here', { headers: auth });
    const response = await serving.app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^mur_http_requests_total\{method="GET",route="\/v1\/forecast",status="200"\} \d+$/m);
    expect(text).toMatch(/^mur_http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^mur_http_request_duration_seconds_count\{method="GET",route="\/v1\/forecast",status="200"\} \d+$/m);
    expect(text).toMatch(/^mur_token_requests_total\{token="alice"\} \d+$/m);
    expect(text).not.toContain(TOKEN);
    expect(text).toMatch(/^mur_inference_duration_seconds_count \d+$/m);
    expect(text).toMatch(/^mur_forecast_age_seconds 5$/m);
    expect(text).toMatch(/^mur_forecast_stale 0$/m);
  });

  it('/openapi.json describes every route', async () => {
    const document = await jsonOf(serving.app.request('/openapi.json'));
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/forecast', '/v1/candles', '/v1/model', '/v2/models/{name}/infer', '/healthz', '/readyz', '/metrics']));
    expect(document.components.schemas.ForecastRequest.properties.candles.items.anyOf[1].prefixItems).toHaveLength(6);
    // The compact forecast is the default; ?detail=full adds the optional fields.
    expect(document.paths['/v1/forecast'].get.parameters[0]).toMatchObject({ name: 'detail', in: 'query', schema: { enum: ['compact', 'full'], default: 'compact' } });
    expect(document.components.schemas.Forecast.properties.points.items.required).toEqual(['time', 'median', 'lower', 'upper']);
  });
});

describe('authentication', () => {
  const routes: Array<[string, string]> = [
    ['GET', '/v1/forecast'],
    ['POST', '/v1/forecast'],
    ['GET', '/v1/candles'],
    ['GET', '/v1/model'],
    ['GET', '/v2'],
    ['GET', '/v2/models/btc-usdt'],
    ['GET', '/v2/models/btc-usdt/ready'],
    ['POST', '/v2/models/btc-usdt/infer'],
  ];

  it.each(routes)('%s %s answers 401 with WWW-Authenticate without a token', async (method, path) => {
    const response = await serving.app.request(path, { method });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="make-us-rich"');
    expect(await jsonOf(response)).toMatchObject({ code: 'unauthorized', field: 'Authorization' });
  });

  it('refuses malformed headers and unknown tokens with error="invalid_token", and never logs the token', async () => {
    for (const header of ['Basic YWxpY2U6cHc=', 'Bearer', 'Bearer two words', `Token ${TOKEN}`]) {
      const response = await serving.app.request('/v1/forecast', { headers: { Authorization: header } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="make-us-rich", error="invalid_token"');
    }
    const unknown = await serving.app.request('/v1/forecast', { headers: bearer('mallory-guess-0123456789abcd') });
    expect(unknown.status).toBe(401);
    expect((await jsonOf(unknown)).error).toBe('the API token is not valid');
    // The scheme is case-insensitive.
    expect((await serving.app.request('/v1/forecast', { headers: { Authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    const logs = serving.logLines().join('\n');
    expect(logs).toContain('"token":"alice"');
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain('mallory-guess');
  });
});

describe('model not ready', () => {
  it('answers 503 with Retry-After while loading, and readiness says why', async () => {
    serving.setModelStatus({ state: 'loading', attempts: 2, lastError: 'object storage unreachable' });
    try {
      const forecast = await serving.app.request('/v1/forecast', { headers: auth });
      expect(forecast.status).toBe(503);
      expect(forecast.headers.get('retry-after')).toBe('5');
      expect(await jsonOf(forecast)).toMatchObject({ code: 'unavailable', error: 'the model is still loading' });
      const ready = await serving.app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await jsonOf(ready)).toEqual({ ready: false, status: 'loading' });
      expect((await serving.app.request('/healthz')).status).toBe(200);
    } finally {
      serving.setModelStatus({ state: 'ready', model: serving.model });
    }
  });

  it('answers 503 with a generic message and a stable code for a refused artifact, keeping its details out', async () => {
    const sha = 'f'.repeat(64);
    const reason = `model.onnx sha256 ${sha} does not match manifest ${'0'.repeat(64)} (s3://models-bucket/markets/btc-usdt/run-9/)`;
    serving.setModelStatus({ state: 'refused', reason });
    try {
      const requests: Array<[string, RequestInit]> = [
        ['/v1/forecast', { headers: auth }],
        ['/v1/forecast', { method: 'POST', headers: auth, body: JSON.stringify({ candles: candles.slice(-13) }) }],
        ['/v1/candles', { headers: auth }],
        ['/v1/model', { headers: auth }],
        ['/v2/models/btc-usdt', { headers: auth }],
        ['/v2/models/btc-usdt/infer', { method: 'POST', headers: auth, body: '{}' }],
      ];
      for (const [path, init] of requests) {
        const response = await serving.app.request(path, init);
        expect(response.status, path).toBe(503);
        expect(response.headers.get('retry-after'), path).toBeNull();
        const text = await response.text();
        expect(JSON.parse(text), path).toMatchObject({ code: 'model_refused', error: 'the model cannot be served: this build refused the artifact; the service log says why' });
        for (const secret of ['s3://', 'models-bucket', sha, '0'.repeat(64), 'sha256']) expect(text, path).not.toContain(secret);
      }
      expect(await jsonOf(serving.app.request('/readyz'))).toEqual({ ready: false, status: 'refused' });
    } finally {
      serving.setModelStatus({ state: 'ready', model: serving.model });
    }
  });

  it('turns readiness off while draining', async () => {
    serving.setDraining(true);
    try {
      expect(await jsonOf(serving.app.request('/readyz'))).toEqual({ ready: false, status: 'draining' });
      // KServe v2 answers "not ready" with a 4xx, /readyz with 503.
      expect((await serving.app.request('/v2/health/ready')).status).toBe(400);
    } finally {
      serving.setDraining(false);
    }
  });
});

describe('unknown routes', () => {
  it('answer 404 in the error shape', async () => {
    const response = await serving.app.request('/v3/forecast');
    expect(response.status).toBe(404);
    const body = await jsonOf(response);
    expect(body).toMatchObject({ code: 'not_found', error: 'no route for GET /v3/forecast' });
    // Error responses carry the request id too, in the header and the body.
    expect(response.headers.get('x-request-id')).toBe(body.requestId);
  });
});
