// Draining through a real Node server: every response written once the drain starts says
// `Connection: close`, on the fast paths and the app alike, so a client with a kept-alive connection sends
// its next request on a new connection (refused cleanly once the server stopped listening) instead of on
// one the drain is closing, where it would be reset.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRequestHandlers } from '../server-image/src/app.ts';
import { startHttpServer, type RunningHttpServer } from '../server-image/src/http-server.ts';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { manualClock, startTestServing, type TestServing } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 3);
const TOKEN = 'alice-token-0123456789abcdef';
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 40 });

let serving: TestServing | undefined;
let http: RunningHttpServer | undefined;
afterEach(async () => {
  await http?.drain(1_000);
  await serving?.close();
  http = serving = undefined;
});

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly socket: Socket;
}

/** A request through `agent` whose body is sent in two halves, so it is in flight until `finish` is called. */
function slowPost(agent: Agent, port: number, path: string, body: string): { finish(): void; answer: Promise<Answer> } {
  const half = Math.floor(body.length / 2);
  let finish = () => {};
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, method: 'POST', path, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, socket: res.socket }));
    });
    req.on('error', reject);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  return { finish: () => finish(), answer };
}

/** A GET through `agent`: its answer, or the error that ended it. */
function get(agent: Agent, port: number, path: string): Promise<{ status: number; socket: Socket } | NodeJS.ErrnoException> {
  return new Promise((resolve) => {
    const req = request({ agent, host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: res.socket }));
    });
    req.on('error', resolve);
    req.end();
  });
}

describe('draining', () => {
  it('closes kept-alive connections with the responses in flight, fast path and app alike, and loses none', async () => {
    serving = await startTestServing({ artifact, clock: manualClock(T0 + 40 * HOUR + 5_000), feedCandles: candles, tokens: { alice: TOKEN }, logLevel: 'info' });
    http = await startHttpServer({ ...createRequestHandlers(serving.appDeps), host: '127.0.0.1', port: 0 });
    const agent = new Agent({ keepAlive: true });
    try {
      // Both connections have answered before, so the agent would reuse them.
      const warm = await Promise.all([get(agent, http.port, '/healthz'), get(agent, http.port, '/healthz')]);
      expect(warm.map((answer) => ('status' in answer ? answer.status : answer.code))).toEqual([200, 200]);

      const forecast = slowPost(agent, http.port, '/v1/forecast', JSON.stringify({ candles: candles.slice(-13) }));
      const inference = slowPost(agent, http.port, '/v2/models/btc-usdt/infer', JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 12, 8], data: new Array(96).fill(0.1) }] }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const drained = http.drain(5_000);
      forecast.finish();
      inference.finish();
      const answers = await Promise.all([forecast.answer, inference.answer]);
      for (const answer of answers) {
        expect(answer.status, answer.body).toBe(200);
        expect(answer.headers.connection).toBe('close');
      }
      expect(JSON.parse(answers[0].body).points).toHaveLength(4);
      expect(JSON.parse(answers[1].body).outputs[0].shape).toEqual([1, 4, 3]);
      expect(await drained).toEqual({ forced: false });

      // The next request opens a new connection, which the stopped server refuses: no reset.
      const next = await get(agent, http.port, '/healthz');
      expect(next).toBeInstanceOf(Error);
      expect((next as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    } finally {
      agent.destroy();
    }
  });

  it('says keep-alive until the drain starts', async () => {
    serving = await startTestServing({ artifact, clock: manualClock(T0 + 40 * HOUR + 5_000), feedCandles: candles, tokens: { alice: TOKEN }, logLevel: 'info' });
    http = await startHttpServer({ ...createRequestHandlers(serving.appDeps), host: '127.0.0.1', port: 0 });
    const agent = new Agent({ keepAlive: true });
    try {
      const first = slowPost(agent, http.port, '/v1/forecast', JSON.stringify({ candles: candles.slice(-13) }));
      first.finish();
      const answer = await first.answer;
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe('keep-alive');
    } finally {
      agent.destroy();
    }
  });
});
