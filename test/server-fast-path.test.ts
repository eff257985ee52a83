// GET and POST /v1/forecast through a real Node server wired like the service: the fast path is the only code
// for them (the app never sees them), and answers every case itself — success, refusals, rate limits, other
// details, debug logging — with the service's status, headers, body and metrics.
import { describe, expect, it } from 'vitest';
import { useListeningServers } from './support/listening-server.ts';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, type TestServing } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 3);
const TOKEN = 'alice-token-0123456789abcdef';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FORECAST_TYPE = 'application/json; charset=UTF-8';
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 40 });

const startServer = useListeningServers({ artifact, now: T0 + 40 * HOUR + 5_000, feedCandles: candles, tokens: { alice: TOKEN }, logLevel: 'info' });

async function metric(serving: TestServing, line: RegExp): Promise<number> {
  const text = await serving.metrics.registry.metrics();
  const match = new RegExp(`^${line.source} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

const requests = (method: string, status: number) => new RegExp(`mur_http_requests_total\\{method="${method}",route="\\/v1\\/forecast",status="${status}"\\}`);
const durations = (method: string, status: number) => new RegExp(`mur_http_request_duration_seconds_count\\{method="${method}",route="\\/v1\\/forecast",status="${status}"\\}`);
const ALICE = /mur_token_requests_total\{token="alice"\}/;
const RATE_LIMITED = /mur_rate_limited_total\{token="alice"\}/;

describe('GET /v1/forecast', () => {
  it('answers the cached forecast with its length, the caller’s request id and the metrics, without the app', async () => {
    const server = await startServer();
    const response = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN, { 'X-Request-Id': 'trace-7' }) });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(response.headers.get('content-type')).toBe(FORECAST_TYPE);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(response.headers.get('x-request-id')).toBe('trace-7');
    const body = JSON.parse(text);
    expect(body).toMatchObject({ stale: false, modelVersion: artifact.manifest.version, lastCloseTime: candles.at(-1)!.time + HOUR });
    expect(body.points).toHaveLength(4);
    expect(body.points[0].quantiles).toBeUndefined();

    const fresh = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN, { 'X-Request-Id': 'not safe' }) });
    await fresh.arrayBuffer();
    expect(fresh.headers.get('x-request-id')).toMatch(UUID);
    expect(await metric(server.serving, requests('GET', 200))).toBe(2);
    expect(await metric(server.serving, durations('GET', 200))).toBe(2);
    expect(await metric(server.serving, ALICE)).toBe(2);
    expect(server.appPaths).toEqual([]);
  });

  it('answers HEAD with the headers alone, and ?detail=full with every quantile', async () => {
    const server = await startServer();
    const head = await fetch(`${server.url}/v1/forecast`, { method: 'HEAD', headers: bearer(TOKEN) });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);
    expect(await head.text()).toBe('');
    const full = await fetch(`${server.url}/v1/forecast?detail=full`, { headers: bearer(TOKEN, { 'X-Request-Id': 'trace-8' }) });
    expect(full.status).toBe(200);
    expect(full.headers.get('x-request-id')).toBe('trace-8');
    expect((await jsonOf(full)).points[0].quantiles).toBeDefined();
    expect(server.appPaths).toEqual([]);
  });

  it('refuses a missing or unknown token and an unknown detail in the service’s error shape, counted by status', async () => {
    const server = await startServer();
    const missing = await fetch(`${server.url}/v1/forecast`, { headers: { 'X-Request-Id': 'trace-9' } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="make-us-rich"');
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(await jsonOf(missing)).toEqual({ error: 'an API token is required: send Authorization: Bearer <token>', code: 'unauthorized', field: 'Authorization', requestId: 'trace-9' });
    const unknown = await fetch(`${server.url}/v1/forecast`, { headers: bearer('someone-elses-token-000000') });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="make-us-rich", error="invalid_token"');
    await unknown.arrayBuffer();
    const detail = await fetch(`${server.url}/v1/forecast?detail=everything`, { headers: bearer(TOKEN) });
    expect(detail.status).toBe(400);
    expect(await jsonOf(detail)).toMatchObject({ code: 'bad_request', field: 'detail' });
    expect(await metric(server.serving, requests('GET', 401))).toBe(2);
    expect(await metric(server.serving, /mur_auth_failures_total\{reason="missing"\}/)).toBe(1);
    expect(await metric(server.serving, /mur_auth_failures_total\{reason="unknown"\}/)).toBe(1);
    expect(await metric(server.serving, requests('GET', 400))).toBe(1);
    expect(server.appPaths).toEqual([]);
  });

  it('answers 429 once the token’s rate limit is spent, and counts it once', async () => {
    const server = await startServer({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    const answers: Response[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN) });
      await response.arrayBuffer();
      answers.push(response);
    }
    expect(answers.map((response) => response.status)).toEqual([200, 200, 429]);
    expect(Number(answers[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await metric(server.serving, RATE_LIMITED)).toBe(1);
    expect(await metric(server.serving, requests('GET', 429))).toBe(1);
  });

  it('answers 503 with Retry-After while the model is not ready', async () => {
    const server = await startServer();
    server.serving.setModelStatus({ state: 'loading', attempts: 1 });
    const unavailable = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN) });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('5');
    expect(await metric(server.serving, requests('GET', 503))).toBe(1);
  });

  it('logs one line per request when the level is debug', async () => {
    const server = await startServer({ logLevel: 'debug' });
    const answered = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN, { 'X-Request-Id': 'trace-10' }) });
    expect(answered.status).toBe(200);
    await answered.arrayBuffer();
    const line = server.serving.logLines().find((entry) => entry.includes('"request finished"') && entry.includes('"trace-10"'));
    expect(JSON.parse(line!)).toMatchObject({ method: 'GET', path: '/v1/forecast', status: 200 });
    expect(line).not.toContain(TOKEN);
  });

  it('leaves other methods to the app, which answers 405 listing the fast path’s methods', async () => {
    const server = await startServer();
    const put = await fetch(`${server.url}/v1/forecast`, { method: 'PUT', headers: bearer(TOKEN) });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    await put.arrayBuffer();
    expect(server.appPaths).toEqual(['/v1/forecast']);
  });
});

const windowCandles = candles.slice(-13);
const rows = windowCandles.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]);
const post = (url: string, body: string, headers: Record<string, string> = bearer(TOKEN), path = '') =>
  fetch(`${url}/v1/forecast${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

describe('POST /v1/forecast', () => {
  it('answers a forecast from object and row candles alike, with its length, request id and metrics, without the app', async () => {
    const server = await startServer();
    const bodies: string[] = [];
    for (const candlesSent of [windowCandles, rows]) {
      const response = await post(server.url, JSON.stringify({ candles: candlesSent }), bearer(TOKEN, { 'X-Request-Id': 'trace-11' }));
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(response.headers.get('content-type')).toBe(FORECAST_TYPE);
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(response.headers.get('x-request-id')).toBe('trace-11');
      bodies.push(text);
    }
    expect(bodies[1]).toBe(bodies[0]);
    expect(JSON.parse(bodies[0]!)).toMatchObject({ stale: false, lastCloseTime: windowCandles.at(-1)!.time + HOUR });
    expect(await metric(server.serving, requests('POST', 200))).toBe(2);
    expect(await metric(server.serving, ALICE)).toBe(2);
    expect(server.appPaths).toEqual([]);
  });

  it('refuses every request that cannot succeed, naming the field, in the service’s error shape', async () => {
    const server = await startServer();
    const shuffled = [...windowCandles];
    [shuffled[3], shuffled[4]] = [shuffled[4]!, shuffled[3]!];
    const cases: Array<{ body: string; headers?: Record<string, string>; status: number; field: string }> = [
      { body: '{"candles": [', status: 400, field: 'body' },
      { body: JSON.stringify({ candles: windowCandles.slice(-5) }), status: 400, field: 'candles' },
      { body: JSON.stringify({ candles: shuffled }), status: 400, field: 'candles[3].time' },
      { body: JSON.stringify({ candles: [...windowCandles.slice(0, -1), { ...windowCandles.at(-1)!, close: -1 }] }), status: 400, field: 'candles[12].close' },
      { body: JSON.stringify({ candles: windowCandles }), headers: {}, status: 401, field: 'Authorization' },
      { body: JSON.stringify({ candles: windowCandles }), headers: bearer('someone-elses-token-000000'), status: 401, field: 'Authorization' },
    ];
    for (const { body, headers = bearer(TOKEN), status, field } of cases) {
      const response = await post(server.url, body, { ...headers, 'X-Request-Id': 'trace-12' });
      expect({ status: response.status, body: await jsonOf(response) }).toEqual({
        status,
        body: { error: expect.stringMatching(status === 401 ? /token/ : new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `)), code: status === 401 ? 'unauthorized' : 'bad_request', field, requestId: 'trace-12' },
      });
    }
    const full = await post(server.url, JSON.stringify({ candles: windowCandles }), bearer(TOKEN), '?detail=full');
    expect(full.status).toBe(200);
    expect((await jsonOf(full)).points[0].quantiles).toBeDefined();
    expect(await metric(server.serving, requests('POST', 400))).toBe(4);
    expect(await metric(server.serving, requests('POST', 401))).toBe(2);
    expect(server.appPaths).toEqual([]);
  });

  it('refuses a body over the limit with 413, and reads a body without Content-Length', async () => {
    const server = await startServer({ bodyLimitBytes: 4_000 });
    const big = await post(server.url, JSON.stringify({ candles: windowCandles, padding: 'x'.repeat(5_000) }));
    expect(big.status).toBe(413);
    expect((await jsonOf(big)).field).toBe('body');
    const chunked = await fetch(`${server.url}/v1/forecast`, {
      method: 'POST',
      headers: bearer(TOKEN),
      body: new Blob([JSON.stringify({ candles: rows })]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(200);
    expect((await jsonOf(chunked)).points).toHaveLength(4);
    expect(server.appPaths).toEqual([]);
  });

  it('answers 429 once the token’s rate limit is spent, counting the request once', async () => {
    const server = await startServer({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    const body = JSON.stringify({ candles: rows });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(server.url, body);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(await metric(server.serving, RATE_LIMITED)).toBe(1);
    expect(await metric(server.serving, ALICE)).toBe(3);
    expect(await metric(server.serving, requests('POST', 429))).toBe(1);
  });

  it('spends one rate-limit token on a refused body, not two', async () => {
    const server = await startServer({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    const statuses: number[] = [];
    for (const body of ['{"candles": [', JSON.stringify({ candles: rows }), JSON.stringify({ candles: rows })]) {
      const response = await post(server.url, body);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([400, 200, 429]);
  });
});
