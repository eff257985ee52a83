import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { makeManifest } from '../../../test/support/manifest-fixture.ts';
import { buildForecast } from '../forecast/forecast.ts';
import { createServerMetrics } from '../metrics/server-metrics.ts';
import type { ServingModel } from '../model/serving-model.ts';
import { createLiveFeed, type LiveFeedLog, type RecentCandlesFetcher } from './live-feed.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const manifest = makeManifest({ window: 3, horizon: 2 });
const candles: Candle[] = Array.from({ length: 48 }, (_, i) => ({ time: T0 + i * HOUR, open: 100, high: 110, low: 90, close: 100 + i, volume: 5 }));
const quietLog: LiveFeedLog = { info() {}, warn() {} };

/** A model whose forecast is flat (y = 0), counting its calls. */
function flatModel(): ServingModel & { calls: number } {
  const model = {
    manifest,
    stepMs: HOUR,
    calls: 0,
    async forecast(window: readonly Candle[]) {
      model.calls++;
      return buildForecast(manifest, window[window.length - 1]!, HOUR, new Float32Array(2 * 3));
    },
    infer: async () => new Float32Array(0),
    inferBackground: async () => new Float32Array(0),
    release: async () => {},
  };
  return model;
}

/** The exchange as a function: closed candles as of `now`, or a failure while `down`. */
function exchange() {
  const state = { down: false, requests: 0 };
  const fetch: RecentCandlesFetcher = async (count, now) => {
    state.requests++;
    if (state.down) throw new Error('connect ECONNREFUSED');
    return { candles: candles.filter((c) => c.time + HOUR <= now).slice(-count), gaps: [] };
  };
  return { state, fetch };
}

async function metricValue(metrics: ReturnType<typeof createServerMetrics>, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)!.get();
  return metric.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('createLiveFeed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forecasts once per new candle, serves the last forecast marked stale while the exchange is down, and recovers', async () => {
    let now = T0 + 10 * HOUR + 5_000;
    const model = flatModel();
    const { state, fetch } = exchange();
    const metrics = createServerMetrics({ processMetrics: false });
    const feed = createLiveFeed({ model, fetchCandles: fetch, clock: { now: () => now }, log: quietLog, metrics });

    await feed.poll();
    expect(feed.latest()!.forecast.lastClose).toBe(109);
    expect(feed.latest()!.candles.map((c) => c.close)).toEqual([106, 107, 108, 109]);
    expect(feed.status()).toEqual({ stale: false, ageSeconds: 5, exchangeUp: true, lastError: undefined });

    await feed.poll();
    expect(model.calls).toBe(1);

    state.down = true;
    now += HOUR;
    await feed.poll();
    expect(feed.latest()!.forecast.lastClose).toBe(109);
    expect(feed.status()).toMatchObject({ stale: true, ageSeconds: 3_605, exchangeUp: false, lastError: 'connect ECONNREFUSED' });
    expect(await metricValue(metrics, 'mur_exchange_up')).toBe(0);
    expect(await metricValue(metrics, 'mur_exchange_polls_total', { result: 'error' })).toBe(1);

    state.down = false;
    await feed.poll();
    expect(feed.latest()!.forecast.lastClose).toBe(110);
    expect(feed.status()).toMatchObject({ stale: false, ageSeconds: 5, exchangeUp: true });
    expect(model.calls).toBe(2);
    expect(await metricValue(metrics, 'mur_exchange_up')).toBe(1);
  });

  it('turns stale when a newer candle should have arrived, even though the exchange answers', async () => {
    let now = T0 + 10 * HOUR + 5_000;
    const lagging: RecentCandlesFetcher = async (count) => ({ candles: candles.slice(6, 10).slice(-count), gaps: [] });
    const feed = createLiveFeed({ model: flatModel(), fetchCandles: lagging, clock: { now: () => now }, log: quietLog, metrics: createServerMetrics({ processMetrics: false }), pollDelayMs: 2_000, staleGraceMs: 30_000 });
    await feed.poll();
    now = T0 + 11 * HOUR + 31_000;
    expect(feed.status().stale).toBe(false);
    now = T0 + 11 * HOUR + 32_000;
    expect(feed.status().stale).toBe(true);
  });

  it('refuses a window with a hole or too few candles and keeps nothing', async () => {
    const holed: RecentCandlesFetcher = async () => ({ candles: [candles[0]!, candles[1]!, candles[3]!, candles[4]!], gaps: [] });
    const feed = createLiveFeed({ model: flatModel(), fetchCandles: holed, clock: { now: () => T0 + 10 * HOUR }, log: quietLog, metrics: createServerMetrics({ processMetrics: false }) });
    await feed.poll();
    expect(feed.latest()).toBeUndefined();
    expect(feed.status()).toMatchObject({ stale: true, exchangeUp: false, lastError: expect.stringMatching(/1 gap/) });

    const short = createLiveFeed({ model: flatModel(), fetchCandles: async () => ({ candles: candles.slice(0, 2), gaps: [] }), clock: { now: () => T0 + 10 * HOUR }, log: quietLog, metrics: createServerMetrics({ processMetrics: false }) });
    await short.poll();
    expect(short.status().lastError).toBe('the exchange returned 2 closed candles, the model needs 4');
  });

  it('keeps historyCandles closed candles: fetches them all first, then what closed since, and reports each new candle', async () => {
    let now = T0 + 20 * HOUR + 5_000;
    const asked: number[] = [];
    const fetch: RecentCandlesFetcher = async (count, at) => {
      asked.push(count);
      return { candles: candles.filter((c) => c.time + HOUR <= at).slice(-count), gaps: [] };
    };
    const reported: number[][] = [];
    const feed = createLiveFeed({ model: flatModel(), fetchCandles: fetch, clock: { now: () => now }, log: quietLog, metrics: createServerMetrics({ processMetrics: false }), historyCandles: 10, onNewCandles: (history) => reported.push(history.map((c) => c.close)) });
    await feed.poll();
    await feed.poll();
    // Down for five candles: the next poll asks for those five and the newest one kept.
    now += 5 * HOUR;
    await feed.poll();
    expect(asked).toEqual([10, 4, 6]);
    expect(feed.history().map((c) => c.close)).toEqual([115, 116, 117, 118, 119, 120, 121, 122, 123, 124]);
    expect(reported).toEqual([[110, 111, 112, 113, 114, 115, 116, 117, 118, 119], [115, 116, 117, 118, 119, 120, 121, 122, 123, 124]]);
    expect(feed.latest()!.candles.map((c) => c.close)).toEqual([121, 122, 123, 124]);
  });

  it('fills a hole in the kept candles once the exchange serves the missing candle', async () => {
    const now = T0 + 10 * HOUR + 5_000;
    let holed = true;
    const fetch: RecentCandlesFetcher = async (count) => ({ candles: candles.slice(10 - count, 10).filter((c) => !holed || c.close !== 108), gaps: [] });
    const feed = createLiveFeed({ model: flatModel(), fetchCandles: fetch, clock: { now: () => now }, log: quietLog, metrics: createServerMetrics({ processMetrics: false }), historyCandles: 6 });
    await feed.poll();
    expect(feed.latest()).toBeUndefined();
    holed = false;
    await feed.poll();
    expect(feed.history().map((c) => c.close)).toEqual([104, 105, 106, 107, 108, 109]);
    expect(feed.latest()!.forecast.lastClose).toBe(109);
  });

  it('polls a little after each candle closes, and backs off while the exchange is down', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0 + 10 * HOUR + 30 * 60_000);
    const { state, fetch } = exchange();
    const feed = createLiveFeed({ model: flatModel(), fetchCandles: fetch, clock: { now: () => Date.now() }, log: quietLog, metrics: createServerMetrics({ processMetrics: false }), pollDelayMs: 2_000, retryBaseMs: 1_000 });
    feed.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.requests).toBe(1);
    // Next close at 11:00, polled at 11:00:02.
    await vi.advanceTimersByTimeAsync(30 * 60_000 + 1_000);
    expect(state.requests).toBe(1);
    state.down = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.requests).toBe(2);
    // Down: retries after 1 s, then 2 s, then 4 s.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.requests).toBe(3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(state.requests).toBe(4);
    state.down = false;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(state.requests).toBe(5);
    expect(feed.latest()!.forecast.lastCloseTime).toBe(T0 + 11 * HOUR);
    feed.stop();
    await vi.advanceTimersByTimeAsync(2 * HOUR);
    expect(state.requests).toBe(5);
  });
});
