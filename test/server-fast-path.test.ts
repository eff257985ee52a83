// GET and POST /v1/forecast through a real Node server with the fast paths: they must answer exactly as the
// app does, and leave every case they do not own (errors, rate limits, other details, debug logging) to the app.
import { afterEach, describe, expect, it } from 'vitest';
import { createCachedForecastFastPath } from '../server-image/src/http/cached-forecast-fast-path.ts';
import type { FastPath } from '../server-image/src/http/fast-path.ts';
import { createPostedForecastFastPath } from '../server-image/src/http/posted-forecast-fast-path.ts';
import { startHttpServer, type RunningHttpServer } from '../server-image/src/http-server.ts';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, manualClock, startTestServing, type TestServing, type TestServingOptions } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 3);
const TOKEN = 'alice-token-0123456789abcdef';
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 40 });

interface FastServer {
  readonly serving: TestServing;
  readonly url: string;
  /** How many GET requests the cached-forecast fast path answered itself. */
  served(): number;
  /** How many POST requests the posted-forecast fast path answered itself (not handed to the app). */
  servedPosts(): number;
  /** How many POST requests the posted-forecast fast path read and then handed to the app. */
  postsHandedOver(): number;
  close(): Promise<void>;
}

let running: FastServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function startFastServer(options: Partial<TestServingOptions> = {}): Promise<FastServer> {
  const clock = manualClock(T0 + 40 * HOUR + 5_000);
  const serving = await startTestServing({ artifact, clock, feedCandles: candles, tokens: { alice: TOKEN }, logLevel: 'info', ...options });
  const cached = createCachedForecastFastPath(serving.appDeps);
  const posted = createPostedForecastFastPath(serving.appDeps);
  let served = 0;
  let postsTaken = 0;
  let postsHandedOver = 0;
  let http: RunningHttpServer;
  try {
    const fastPath: FastPath = (incoming, outgoing, app) => {
      if (cached(incoming, outgoing, app)) {
        served++;
        return true;
      }
      // A POST the fast path takes is either answered by it or handed to the app after its body is read.
      const taken = posted(incoming, outgoing, (handedIncoming, handedOutgoing) => {
        postsHandedOver++;
        app(handedIncoming, handedOutgoing);
      });
      if (taken) postsTaken++;
      return taken;
    };
    http = await startHttpServer({ app: serving.app, host: '127.0.0.1', port: 0, fastPath });
  } catch (error) {
    await serving.close();
    throw error;
  }
  running = {
    serving,
    url: `http://127.0.0.1:${http.port}`,
    served: () => served,
    servedPosts: () => postsTaken - postsHandedOver,
    postsHandedOver: () => postsHandedOver,
    async close() {
      await http.drain(1_000);
      await serving.close();
    },
  };
  return running;
}

async function metric(serving: TestServing, line: RegExp): Promise<number> {
  const text = await serving.metrics.registry.metrics();
  const match = new RegExp(`^${line.source} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

const FORECAST_200 = /mur_http_requests_total\{method="GET",route="\/v1\/forecast",status="200"\}/;
const ALICE = /mur_token_requests_total\{token="alice"\}/;

describe('cached forecast fast path', () => {
  it('answers GET /v1/forecast with the app’s body, headers and metrics', async () => {
    const server = await startFastServer();
    const fromApp = await server.serving.app.request('/v1/forecast', { headers: bearer(TOKEN) });
    const appBody = await fromApp.text();
    const before = { requests: await metric(server.serving, FORECAST_200), alice: await metric(server.serving, ALICE) };

    const response = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN, { 'X-Request-Id': 'trace-7' }) });
    expect(server.served()).toBe(1);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(appBody);
    expect(response.headers.get('content-type')).toBe(fromApp.headers.get('content-type'));
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(appBody)));
    expect(response.headers.get('x-request-id')).toBe('trace-7');

    const fresh = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN, { 'X-Request-Id': 'not safe' }) });
    await fresh.arrayBuffer();
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(server.served()).toBe(2);
    expect(await metric(server.serving, FORECAST_200)).toBe(before.requests + 2);
    expect(await metric(server.serving, ALICE)).toBe(before.alice + 2);
  });

  it('leaves missing or unknown tokens, other details and other routes to the app', async () => {
    const server = await startFastServer();
    const missing = await fetch(`${server.url}/v1/forecast`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="make-us-rich"');
    const unknown = await fetch(`${server.url}/v1/forecast`, { headers: bearer('someone-elses-token-000000') });
    expect(unknown.status).toBe(401);
    const full = await fetch(`${server.url}/v1/forecast?detail=full`, { headers: bearer(TOKEN, { 'X-Request-Id': 'trace-8' }) });
    expect(full.status).toBe(200);
    // The app's own responses carry the request id too when served by Node.
    expect(full.headers.get('x-request-id')).toBe('trace-8');
    expect((await jsonOf(full)).points[0].quantiles).toBeDefined();
    const posted = await fetch(`${server.url}/v1/forecast`, { method: 'POST', headers: bearer(TOKEN), body: JSON.stringify({ candles: candles.slice(-13) }) });
    expect(posted.status).toBe(200);
    await posted.arrayBuffer();
    expect(server.served()).toBe(0);
  });

  it('leaves a rate-limited token to the app, which answers 429 and counts it once', async () => {
    const server = await startFastServer({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/v1/forecast`, { headers: bearer(TOKEN) });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(server.served()).toBe(2);
    expect(await metric(server.serving, /mur_rate_limited_total\{token="alice"\}/)).toBe(1);
  });

  it('leaves the request to the app while the model is not ready, and whenever it logs every request', async () => {
    const loading = await startFastServer();
    loading.serving.setModelStatus({ state: 'loading', attempts: 1 });
    const unavailable = await fetch(`${loading.url}/v1/forecast`, { headers: bearer(TOKEN) });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('5');
    expect(loading.served()).toBe(0);
    await loading.close();
    running = undefined;

    const logging = await startFastServer({ logLevel: 'debug' });
    const answered = await fetch(`${logging.url}/v1/forecast`, { headers: bearer(TOKEN) });
    expect(answered.status).toBe(200);
    await answered.arrayBuffer();
    expect(logging.served()).toBe(0);
    expect(logging.serving.logLines().some((line) => line.includes('"request finished"') && line.includes('"/v1/forecast"'))).toBe(true);
  });
});

const POST_200 = /mur_http_requests_total\{method="POST",route="\/v1\/forecast",status="200"\}/;
const windowCandles = candles.slice(-13);
const rows = windowCandles.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]);
const post = (url: string, body: string, headers: Record<string, string> = bearer(TOKEN)) =>
  fetch(`${url}/v1/forecast`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

describe('posted forecast fast path', () => {
  it('answers POST /v1/forecast with the app’s body, headers and metrics, for object and row candles', async () => {
    const server = await startFastServer();
    for (const body of [JSON.stringify({ candles: windowCandles }), JSON.stringify({ candles: rows })]) {
      const fromApp = await server.serving.app.request('/v1/forecast', { method: 'POST', headers: bearer(TOKEN), body });
      const appBody = await fromApp.text();
      expect(fromApp.status).toBe(200);
      const before = { requests: await metric(server.serving, POST_200), alice: await metric(server.serving, ALICE) };
      const taken = server.servedPosts();

      const response = await post(server.url, body, bearer(TOKEN, { 'X-Request-Id': 'trace-9' }));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(appBody);
      expect(response.headers.get('content-type')).toBe(fromApp.headers.get('content-type'));
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(appBody)));
      expect(response.headers.get('x-request-id')).toBe('trace-9');
      expect(server.servedPosts()).toBe(taken + 1);
      expect(await metric(server.serving, POST_200)).toBe(before.requests + 1);
      expect(await metric(server.serving, ALICE)).toBe(before.alice + 1);
    }
  });

  it('hands every request that would not succeed to the app, which answers it as always', async () => {
    const server = await startFastServer();
    const shuffled = [...windowCandles];
    [shuffled[3], shuffled[4]] = [shuffled[4]!, shuffled[3]!];
    const cases: Array<{ body: string; headers?: Record<string, string>; path?: string }> = [
      { body: '{"candles": [' }, // not JSON
      { body: JSON.stringify({ candles: windowCandles.slice(-5) }) }, // too few
      { body: JSON.stringify({ candles: shuffled }) }, // not increasing
      { body: JSON.stringify({ candles: [...windowCandles.slice(0, -1), { ...windowCandles.at(-1)!, close: -1 }] }) },
      { body: JSON.stringify({ candles: windowCandles }), headers: {} }, // no token
      { body: JSON.stringify({ candles: windowCandles }), headers: bearer('someone-elses-token-000000') },
      { body: JSON.stringify({ candles: windowCandles }), path: '?detail=full' },
    ];
    for (const { body, headers = bearer(TOKEN), path = '' } of cases) {
      const fromApp = await server.serving.app.request(`/v1/forecast${path}`, { method: 'POST', headers, body });
      const expected = { status: fromApp.status, body: await jsonOf(fromApp), challenge: fromApp.headers.get('www-authenticate') };
      const response = await fetch(`${server.url}/v1/forecast${path}`, { method: 'POST', headers, body });
      const actual = { status: response.status, body: await jsonOf(response), challenge: response.headers.get('www-authenticate') };
      // Request ids differ between the two requests; everything else is the app's answer.
      if (typeof expected.body.requestId === 'string') expected.body.requestId = actual.body.requestId;
      expect(actual).toEqual(expected);
    }
    expect(server.servedPosts()).toBe(0);
    // The four bad bodies came with a valid token: read by the fast path, then answered by the app.
    expect(server.postsHandedOver()).toBe(4);
    expect(await metric(server.serving, /mur_http_requests_total\{method="POST",route="\/v1\/forecast",status="400"\}/)).toBe(8);
  });

  it('leaves a body without Content-Length, or over the limit, to the app', async () => {
    const server = await startFastServer({ bodyLimitBytes: 4_000 });
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
    await chunked.arrayBuffer();
    expect(server.servedPosts()).toBe(0);
  });

  it('leaves a rate-limited request to the app before reading its body, which answers 429 and counts it once', async () => {
    const server = await startFastServer({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    const body = JSON.stringify({ candles: rows });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(server.url, body);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(server.servedPosts()).toBe(2);
    expect(server.postsHandedOver()).toBe(0);
    expect(await metric(server.serving, /mur_rate_limited_total\{token="alice"\}/)).toBe(1);
    expect(await metric(server.serving, ALICE)).toBe(3);
  });

  it('takes one rate-limit token for a request it hands to the app, not two', async () => {
    const server = await startFastServer({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    const statuses: number[] = [];
    for (const body of ['{"candles": [', JSON.stringify({ candles: rows }), JSON.stringify({ candles: rows })]) {
      const response = await post(server.url, body);
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([400, 200, 429]);
    expect(server.postsHandedOver()).toBe(1);
    expect(server.servedPosts()).toBe(1);
  });
});
