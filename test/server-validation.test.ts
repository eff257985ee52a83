// Malformed POST /v1/forecast bodies through the app: each is a 400 (or 413) naming the field, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, manualClock, startTestServing, type TestServing } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 3);
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 20 });
const window = candles.slice(-13);
const TOKEN = 'alice-token-0123456789abcdef';
let serving: TestServing;

beforeAll(async () => {
  serving = await startTestServing({ artifact, clock: manualClock(T0 + 20 * HOUR + 1), tokens: { alice: TOKEN }, bodyLimitBytes: 4_096 });
});
afterAll(async () => {
  await serving.close();
});

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(serving.app.request('/v1/forecast', { method: 'POST', headers: bearer(TOKEN, { 'Content-Type': 'application/json', ...headers }), body }));
}

const replace = (index: number, patch: Record<string, unknown>) => ({ candles: window.map((c, i) => (i === index ? { ...c, ...patch } : c)) });
const row = (c: (typeof window)[number]) => [c.time, c.open, c.high, c.low, c.close, c.volume];

const cases: Array<[string, string, string, string]> = [
  ['not JSON', '{"candles": [', 'body', 'body: is not valid JSON'],
  ['an empty body', '', 'body', 'body: is empty; send a JSON object'],
  ['a JSON array', '[]', 'body', 'body: must be object'],
  ['a JSON string', '"candles"', 'body', 'body: must be object'],
  ['no candles', '{}', 'candles', 'candles: is required'],
  ['candles not an array', '{"candles": {}}', 'candles', 'candles: must be array'],
  ['an unknown field', JSON.stringify({ candles: window, window: 12 }), 'window', 'window: is not a known field'],
  ['too few candles', JSON.stringify({ candles: window.slice(1) }), 'candles', 'candles: needs at least 13 candles for the model window of 12'],
  ['a candle that is a number', JSON.stringify({ candles: [...window.slice(0, 12), 42] }), 'candles[12]', 'candles[12]: must be an object'],
  ['a missing close', JSON.stringify(replace(3, { close: undefined })), 'candles[3].close', 'candles[3].close: is required'],
  ['a price given as a string', JSON.stringify(replace(3, { open: '31000.5' })), 'candles[3].open', 'candles[3].open: must be number'],
  ['a zero price', JSON.stringify(replace(4, { low: 0 })), 'candles[4].low', 'candles[4].low: must be > 0'],
  ['a negative price', JSON.stringify(replace(4, { high: -1 })), 'candles[4].high', 'candles[4].high: must be > 0'],
  ['an infinite price (1e999)', JSON.stringify(replace(5, { close: 1 })).replace(/"close":1(?=[,}])/, '"close":1e999'), 'candles[5].close', 'candles[5].close: must be'],
  ['a negative volume', JSON.stringify(replace(6, { volume: -3 })), 'candles[6].volume', 'candles[6].volume: must be >= 0'],
  ['a fractional time', JSON.stringify(replace(7, { time: window[7]!.time + 0.5 })), 'candles[7].time', 'candles[7].time: must be integer'],
  ['a time off the grid', JSON.stringify(replace(7, { time: window[7]!.time + 60_000 })), 'candles[7].time', `candles[7].time: ${window[7]!.time + 60_000} is not on the 1h grid`],
  ['times not increasing', JSON.stringify(replace(8, { time: window[7]!.time })), 'candles[8].time', 'candles[8].time: must be later than candles[7].time'],
  ['a gap inside the window', JSON.stringify({ candles: [...window.slice(0, 12), { ...window[12]!, time: window[12]!.time + HOUR }] }), 'candles[12].time', 'candles[12].time: 1 1h candle(s) missing before this one'],
  ['high below low', JSON.stringify(replace(9, { high: 1, low: 2, open: 1.5, close: 1.5 })), 'candles[9].high', 'candles[9].high: 1 is below the low of 2'],
  ['an open above the high', JSON.stringify(replace(9, { open: window[9]!.high * 2 })), 'candles[9].open', `candles[9].open: ${window[9]!.high * 2} is above the high of ${window[9]!.high}`],
  ['a close below the low', JSON.stringify(replace(10, { close: window[10]!.low / 2 })), 'candles[10].close', `candles[10].close: ${window[10]!.low / 2} is below the low of ${window[10]!.low}`],
  ['a row whose close is above its high', JSON.stringify({ candles: [...window.slice(0, 12).map(row), [window[12]!.time, 10, 20, 5, 21, 3]] }), 'candles[12].close', 'candles[12].close: 21 is above the high of 20'],
  ['a price above the largest the trainer accepts', JSON.stringify(replace(5, { open: 1e300, high: 1e300, low: 1e300, close: 1e300 })), 'candles[5].open', 'candles[5].open: must be <= 1000000000000000'],
  ['a price below the smallest the trainer accepts', JSON.stringify(replace(5, { open: 1e-300, high: 1e-300, low: 1e-300, close: 1e-300 })), 'candles[5].open', 'candles[5].open: must be >= 1e-15'],
  ['a candle not closed yet', JSON.stringify({ candles: [...window.slice(1), { ...window[12]!, time: window[12]!.time + HOUR }] }), 'candles[12].time', 'candles[12].time: this 1h candle has not closed yet'],
  ['a short row', JSON.stringify({ candles: [...window.slice(0, 12).map(row), [window[12]!.time, 1, 2, 3]] }), 'candles[12]', 'candles[12]: must not have fewer than 6 items'],
  ['a time before the range of dates', JSON.stringify({ candles: window.map((c, i) => ({ ...c, time: -8.64e15 - (14 - i) * HOUR })) }), 'candles[0].time', 'candles[0].time: must be >= -8640000000000000'],
  ['a time past the range of safe integers', JSON.stringify(replace(0, { time: -(2 ** 60) * HOUR })), 'candles[0].time', 'candles[0].time: must be >= -8640000000000000'],
  ['a row with a string', JSON.stringify({ candles: [...window.slice(0, 12).map(row), [window[12]!.time, 1, 2, 1, 'x', 3]] }), 'candles[12][4]', 'candles[12][4]: close must be number'],
];

describe('POST /v1/forecast validation', () => {
  it.each(cases)('refuses %s', async (_name, body, field, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const json = await jsonOf(response);
    expect(json).toMatchObject({ code: 'bad_request', field });
    expect(json.error.slice(0, message.length)).toBe(message);
    expect(JSON.stringify(json)).not.toMatch(/\n\s+at |\.ts:\d+/);
  });

  it('refuses a body over the limit by its Content-Length with 413', async () => {
    const response = await post('x'.repeat(5_000));
    expect(response.status).toBe(413);
    expect(await jsonOf(response)).toMatchObject({ code: 'payload_too_large', field: 'body', error: 'body: larger than the limit of 4096 bytes' });
  });

  it('refuses a chunked body that grows over the limit while streaming', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(1_024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await serving.app.request('/v1/forecast', { method: 'POST', headers: bearer(TOKEN), body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('answers random garbage with 4xx, never 500', async () => {
    const garbage = ['null', 'true', '1e400', '{"candles":null}', '{"candles":[null]}', '{"candles":[[]]}', '{"candles":[{}]}', '{"__proto__":{"x":1}}', '{"candles":"' + 'a'.repeat(3_000) + '"}', '\u0000', '{"candles":[[1,2,3,4,5,6,7]]}'];
    for (const body of garbage) {
      const response = await post(body);
      expect(response.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(response.status, body.slice(0, 40)).toBeLessThan(500);
    }
  });

  it('forecasts candles at the very start of the range of dates', async () => {
    const earliest = window.map((c, i) => ({ ...c, time: -8.64e15 + i * HOUR }));
    const response = await serving.app.request('/v1/forecast?detail=full', { method: 'POST', headers: bearer(TOKEN), body: JSON.stringify({ candles: earliest }) });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).lastCloseTimestamp).toBe(new Date(-8.64e15 + 13 * HOUR).toISOString());
  });

  it('still forecasts the valid window after all that', async () => {
    expect((await post(JSON.stringify({ candles: window }))).status).toBe(200);
  });
});
