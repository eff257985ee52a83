// The dashboard backend through app.request(), proxying to a real inference service on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import { createDashboardApp } from '../dashboard/src/app.ts';
import { jsonOf } from './support/server-harness.ts';
import { startInferenceUpstream, UPSTREAM_METRICS, type InferenceUpstream } from './support/inference-upstream.ts';

let upstream: InferenceUpstream;
let notReady: InferenceUpstream;
let silent: Server;
let htmlAnswering: Server;
let closedPort: number;
const logLines: string[] = [];
let app: ReturnType<typeof createDashboardApp>;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

beforeAll(async () => {
  [upstream, notReady] = await Promise.all([startInferenceUpstream(), startInferenceUpstream({ withFeed: false })]);
  // Accepts connections and never answers: a hung service.
  silent = createServer(() => undefined);
  // Answers 200 with an HTML page: something that is not the inference service.
  htmlAnswering = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
  const [silentPort, htmlPort] = await Promise.all([listen(silent), listen(htmlAnswering)]);
  const released = createServer();
  closedPort = await listen(released);
  await close(released);
  const logs = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  app = createDashboardApp({
    targets: [
      { name: 'btc-usdt', url: upstream.url, token: upstream.token },
      { name: 'rotating', url: `${upstream.url}/`, token: async () => upstream.token },
      { name: 'wrong-token', url: upstream.url, token: 'not-the-right-token-0123456789' },
      { name: 'warming-up', url: notReady.url, token: notReady.token },
      { name: 'down', url: `http://127.0.0.1:${closedPort}`, token: upstream.token },
      { name: 'hung', url: `http://127.0.0.1:${silentPort}`, token: upstream.token },
      { name: 'not-a-service', url: `http://127.0.0.1:${htmlPort}`, token: upstream.token },
      { name: 'no-token', url: upstream.url, token: () => Promise.reject(new Error('cannot read the token file /var/run/secrets/missing')) },
    ],
    upstreamTimeoutMs: 300,
    logger: createLogger({ name: 'dashboard', level: 'debug', destination: logs }),
  });
});

afterAll(async () => {
  await Promise.all([upstream?.close(), notReady?.close(), close(silent), close(htmlAnswering)]);
});

/** What the inference service itself answers on `path` with the right token. */
async function direct(path: string): Promise<unknown> {
  const response = await fetch(`${upstream.url}${path}`, { headers: { authorization: `Bearer ${upstream.token}` } });
  expect(response.status).toBe(200);
  return response.json();
}

describe('the proxied API', () => {
  it('lists the targets by name only: no URL, no token', async () => {
    const response = await app.request('/api/targets');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      targets: ['btc-usdt', 'rotating', 'wrong-token', 'warming-up', 'down', 'hung', 'not-a-service', 'no-token'].map((name) => ({ name })),
    });
    expect(text).not.toContain(upstream.token);
    expect(text).not.toContain('127.0.0.1');
  });

  for (const [resource, path] of [['forecast', '/v1/forecast'], ['candles', '/v1/candles'], ['model', '/v1/model'], ['track-record', '/v1/track-record']] as const) {
    it(`answers /api/btc-usdt/${resource} with the service's ${path} document, unchanged and uncached`, async () => {
      const response = await app.request(`/api/btc-usdt/${resource}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual(await direct(path));
    });
  }

  it('serves the forecast of the live feed and the manifest with the model and baseline metrics', async () => {
    const forecast = await jsonOf(app.request('/api/btc-usdt/forecast'));
    expect(forecast).toMatchObject({ symbol: 'BTC/USDT', exchange: 'binance', timeframe: '1h', modelVersion: 'btc-usdt-run-7', stale: false, ageSeconds: 5 });
    expect(forecast.points).toHaveLength(12);
    const candles = await jsonOf(app.request('/api/btc-usdt/candles'));
    expect(candles.candles).toHaveLength(49);
    const model = await jsonOf(app.request('/api/rotating/model'));
    expect(model.version).toBe('btc-usdt-run-7');
    expect(model.metrics).toEqual(UPSTREAM_METRICS);
  });

  it('names the target whose service refuses the dashboard token, without passing a 401 to the browser', async () => {
    const response = await app.request('/api/wrong-token/forecast');
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'target "wrong-token" refused the dashboard\'s API token (HTTP 401)', code: 'target_auth', target: 'wrong-token' });
  });

  it('passes on a service that has no live forecast yet as 503 with its reason and Retry-After', async () => {
    const response = await app.request('/api/warming-up/forecast');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({
      error: 'target "warming-up": no live forecast yet: the exchange has not delivered enough closed candles',
      code: 'target_not_ready',
      target: 'warming-up',
    });
    // The manifest does not need the feed.
    expect((await app.request('/api/warming-up/model')).status).toBe(200);
  });

  it('answers 502 naming a target that is down, keeping its address out of the answer', async () => {
    const response = await app.request('/api/down/forecast');
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'target "down" is unreachable (is its inference service running?)', code: 'target_unreachable', target: 'down' });
    expect(text).not.toContain(String(closedPort));
  });

  it('gives up on a hung service after the timeout with 504', async () => {
    const response = await app.request('/api/hung/candles');
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ error: 'target "hung" did not answer within 300 ms', code: 'target_timeout', target: 'hung' });
  });

  it('refuses an answer that is not JSON', async () => {
    const response = await app.request('/api/not-a-service/model');
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'target "not-a-service" answered /v1/model with something that is not JSON', code: 'target_bad_answer', target: 'not-a-service' });
  });

  it('says which target has no token, leaving the file path to the log', async () => {
    const response = await app.request('/api/no-token/forecast');
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body).toEqual({ error: 'the dashboard has no API token for target "no-token" (see the dashboard\'s log)', code: 'token_missing', target: 'no-token' });
    expect(logLines.some((line) => line.includes('/var/run/secrets/missing') && line.includes('"target":"no-token"'))).toBe(true);
  });

  it('answers 404 for an unknown target, listing the known ones, and for an unknown resource', async () => {
    const target = await app.request('/api/eth-usdt/forecast');
    expect(target.status).toBe(404);
    expect((await jsonOf(target)).error).toBe('unknown target "eth-usdt" (known: btc-usdt, rotating, wrong-token, warming-up, down, hung, not-a-service, no-token)');
    const resource = await app.request('/api/btc-usdt/metrics');
    expect(resource.status).toBe(404);
    expect(await resource.json()).toEqual({ error: 'unknown resource "metrics": use forecast, candles, model or track-record', code: 'not_found', target: 'btc-usdt' });
  });

  it('never writes a token into its log', () => {
    expect(logLines.length).toBeGreaterThan(5);
    for (const line of logLines) expect(line).not.toContain(upstream.token);
  });
});

describe('the page and health', () => {
  it('serves the page with a policy that allows only its own scripts', async () => {
    const response = await app.request('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<label for="target">Forecast service</label>');
    expect(html).toContain('<script type="module" src="/app.js"></script>');
  });

  it('serves the page modules and the lightweight-charts bundle they import', async () => {
    const app_js = await app.request('/app.js');
    expect(app_js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const chartJs = await (await app.request('/chart.js')).text();
    expect(chartJs).toContain("from '/vendor/lightweight-charts.mjs'");
    const bundle = await app.request('/vendor/lightweight-charts.mjs');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await bundle.text()).toMatch(/createChart/);
  });

  it('serves nothing outside its page files', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/src/app.ts', '/vendor/', '/index.htm']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });

  it('answers /healthz', async () => {
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
