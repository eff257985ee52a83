// GET /v1/forecast through a real Node server with the cached-forecast fast path: it must answer exactly as
// the app does, and leave every case it does not own (errors, rate limits, other details, debug logging) to the app.
import { afterEach, describe, expect, it } from 'vitest';
import { createCachedForecastFastPath } from '../server-image/src/http/cached-forecast-fast-path.ts';
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
  /** How many requests the fast path answered itself. */
  served(): number;
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
  const fastPath = createCachedForecastFastPath(serving.appDeps);
  let served = 0;
  let http: RunningHttpServer;
  try {
    http = await startHttpServer({
      app: serving.app,
      host: '127.0.0.1',
      port: 0,
      fastPath(incoming, outgoing) {
        const answered = fastPath(incoming, outgoing);
        if (answered) served++;
        return answered;
      },
    });
  } catch (error) {
    await serving.close();
    throw error;
  }
  running = {
    serving,
    url: `http://127.0.0.1:${http.port}`,
    served: () => served,
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
