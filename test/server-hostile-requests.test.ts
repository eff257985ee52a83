// Hostile requests through a real Node server wired like the service (fast paths in front of the app):
// oversized candle arrays, bodies that never end, an exhausted rate limit, repeated Authorization headers.
import { request, type OutgoingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useListeningServers } from './support/listening-server.ts';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { bearer } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 3);
const TOKEN = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef00';
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 40 });
const validBody = JSON.stringify({ candles: candles.slice(-13).map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]) });

/** `count` hourly rows ending at the last closed candle, as the comma-separated inside of a JSON array. */
function rows(count: number): string {
  const last = candles.at(-1)!;
  const parts: string[] = [];
  for (let i = count - 1; i >= 0; i--) parts.push(`[${last.time - i * HOUR},30000.5,30100.25,29950.75,30050.5,123.45678]`);
  return parts.join(',');
}
const OVERSIZE = `{"candles":[${rows(10_001)}]}`;

const startServer = useListeningServers({ artifact, now: T0 + 40 * HOUR + 5_000, feedCandles: candles, tokens: { alice: TOKEN, bob: BOB }, logLevel: 'info' });

interface Answer {
  readonly status: number;
  readonly body: any;
}

/**
 * One request over node:http, which (unlike fetch) sends repeated headers as separate lines and lets a
 * body stop half-way. With `end: false` the body is never finished: the answer must come without it.
 */
function send(port: number, options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: string; end?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/v1/forecast', headers: options.headers ?? {} });
    const deadline = setTimeout(() => {
      req.destroy();
      reject(new Error('no answer within 5 s: the server waited for the rest of the body'));
    }, 5_000);
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(deadline);
        req.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
      });
    });
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    if (options.body !== undefined) req.write(options.body);
    if (options.end !== false) req.end();
  });
}

const json = (extra: OutgoingHttpHeaders = {}) => ({ 'Content-Type': 'application/json', ...bearer(TOKEN), ...extra });

describe('POST /v1/forecast with more candles than the limit', () => {
  it('refuses an oversized array while it streams in, before the body ends (chunked)', async () => {
    const server = await startServer();
    // 10,001 candles and then nothing more: the body never ends, so only an early count can answer.
    const answer = await send(server.port, { method: 'POST', headers: json(), body: `{"candles":[${rows(10_001)},`, end: false });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'payload_too_large', field: 'candles' });
    expect(answer.body.error).toMatch(/^candles: more than 10000 candles/);
  });

  it('refuses an oversized array before the declared Content-Length has arrived', async () => {
    const server = await startServer();
    const body = `{"candles":[${rows(10_001)},`;
    const answer = await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(body.length + 200_000) }), body, end: false });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatch(/^candles: more than 10000 candles/);
  });

  it('refuses a complete oversized body with the same answer, counting it against the rate limit', async () => {
    const server = await startServer({ rateLimit: { ratePerSecond: 0.001, burst: 2 } });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const answer = await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(OVERSIZE.length) }), body: OVERSIZE });
      expect(answer.body).toMatchObject({ code: 'payload_too_large', field: 'candles', error: expect.stringMatching(/^candles: more than 10000 candles/) });
      statuses.push(answer.status);
    }
    const valid = await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(validBody.length) }), body: validBody });
    statuses.push(valid.status);
    expect(statuses).toEqual([413, 413, 429]);
  });

  it('refuses an oversized array under a key written with escapes, which only parsing reveals', async () => {
    const server = await startServer();
    const body = OVERSIZE.replace('"candles"', '"c\\u0061ndles"');
    const answer = await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(body.length) }), body });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatch(/^candles: more than 10000 candles/);
  });

  it('answers a token whose rate limit is spent with 429 from the headers alone, without reading the body', async () => {
    const server = await startServer({ rateLimit: { ratePerSecond: 0.001, burst: 1 } });
    const first = await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(validBody.length) }), body: validBody });
    expect(first.status).toBe(200);
    const spent = await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(validBody.length) }), body: validBody.slice(0, 100), end: false });
    expect(spent.status).toBe(429);
    expect(spent.body.code).toBe('rate_limited');
  });

  it('still serves 10,000 candles, and the usual small request', async () => {
    const server = await startServer();
    const body = `{"candles":[${rows(10_000)}]}`;
    expect((await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(body.length) }), body })).status).toBe(200);
    expect((await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(validBody.length) }), body: validBody })).status).toBe(200);
  });
});

describe('POST /v1/forecast with candles no market could produce', () => {
  const last = candles.slice(-13);
  /** The valid window with candle 12 replaced by the row [time, open, high, low, close, volume]. */
  const withLastRow = (open: number, high: number, low: number, close: number) =>
    JSON.stringify({ candles: [...last.slice(0, 12).map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]), [last[12]!.time, open, high, low, close, 1]] });
  const impossible: Array<[string, string, string, string]> = [
    ['an open above the high', withLastRow(110, 105, 95, 100), 'candles[12].open', 'candles[12].open: 110 is above the high of 105'],
    ['a close below the low', withLastRow(100, 105, 95, 90), 'candles[12].close', 'candles[12].close: 90 is below the low of 95'],
    ['prices that would overflow', withLastRow(1e300, 1e300, 1e300, 1e300), 'candles[12][1]', 'candles[12][1]: open must be <= 1000000000000000'],
  ];

  it.each(impossible)('refuses %s with 400 naming the field', async (_case, body, field, error) => {
    const server = await startServer();
    const answer = await send(server.port, { method: 'POST', headers: json({ 'Content-Length': String(Buffer.byteLength(body)) }), body });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'bad_request', field, error });
  });
});

describe('more than one Authorization header', () => {
  const twice: Array<[string, string[]]> = [
    ['a valid token, then an unknown one', [`Bearer ${TOKEN}`, 'Bearer someone-elses-token-000000']],
    ['an unknown token, then a valid one', ['Bearer someone-elses-token-000000', `Bearer ${TOKEN}`]],
    ['two valid tokens of different names', [`Bearer ${TOKEN}`, `Bearer ${BOB}`]],
    ['the same valid token twice', [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]],
    ['an empty header, then a valid one', ['', `Bearer ${TOKEN}`]],
  ];

  it.each(twice)('refuses %s with 400 on every route that needs a token', async (_name, values) => {
    const server = await startServer();
    const requests = [
      { path: '/v1/forecast' },
      { path: '/v1/model' },
      { path: '/v2/models/btc-usdt' },
      { method: 'POST', path: '/v1/forecast', body: validBody, headers: { 'Content-Type': 'application/json', 'Content-Length': String(validBody.length) } },
    ];
    for (const { headers = {}, ...rest } of requests) {
      const answer = await send(server.port, { ...rest, headers: { ...headers, Authorization: values } });
      expect(answer.status, rest.path).toBe(400);
      expect(answer.body).toMatchObject({ code: 'bad_request', field: 'Authorization', error: 'Authorization: send one Authorization header, not 2' });
    }
  });

  it('still answers one valid header', async () => {
    const server = await startServer();
    expect((await send(server.port, { headers: bearer(TOKEN) })).status).toBe(200);
    expect((await send(server.port, { headers: { Authorization: [`Bearer ${TOKEN}`] } })).status).toBe(200);
  });
});
