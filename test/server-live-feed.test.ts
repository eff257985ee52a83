// The live candle feed against the local exchange replay server (real ccxt): fresh, exchange down (stale),
// exchange back (fresh again), as seen through GET /v1/forecast and /metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExchangeFetcher } from '../server-image/src/feed/exchange-fetcher.ts';
import { startExchangeReplayServer, type ExchangeReplayServer } from '../exchange-replay/exchange-replay-server.ts';
import { makeCandles, makeModelArtifact } from './support/server-fixtures.ts';
import { bearer, jsonOf, manualClock, startTestServing, type TestServing } from './support/server-harness.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 2);
const TOKEN = 'alice-token-0123456789abcdef';
const artifact = makeModelArtifact({ window: 12, horizon: 4, units: 8 });
const candles = makeCandles({ start: T0, count: 48, seed: 4 });
const clock = manualClock(T0 + 30 * HOUR + 2_500);
const quiet = { info() {}, warn() {} };
let exchange: ExchangeReplayServer;
let serving: TestServing;

const forecast = () => jsonOf(serving.app.request('/v1/forecast', { headers: bearer(TOKEN) }));
const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await serving.app.request('/metrics')).text())?.[1]);

/** Move the service's clock and the exchange's "now" together. */
function advanceTo(ms: number): void {
  clock.set(ms);
  exchange.setNow(ms);
}

beforeAll(async () => {
  exchange = await startExchangeReplayServer({ candles, timeframe: '1h', symbol: 'BTC/USDT', now: clock.now() });
  const fetchCandles = createExchangeFetcher(artifact.manifest.market, { baseUrl: exchange.url, timeoutMs: 2_000, log: quiet });
  serving = await startTestServing({ artifact, clock, tokens: { alice: TOKEN }, fetchCandles });
});
afterAll(async () => {
  await serving.close();
  await exchange.close();
});

describe('live feed', () => {
  it('serves the forecast of the last closed candle, fresh', async () => {
    // At 06:00:02.5 on day 2 the 05:00 candle (index 29) is the last closed one; the open 06:00 one is left out.
    const body = await forecast();
    expect(body).toMatchObject({ stale: false, ageSeconds: 2.5, lastClose: candles[29]!.close, lastCloseTime: T0 + 30 * HOUR });
    const listed = await jsonOf(serving.app.request('/v1/candles', { headers: bearer(TOKEN) }));
    expect(listed.candles).toEqual(candles.slice(17, 30));
    expect(await metric('mur_exchange_up')).toBe(1);
    expect(await metric('mur_forecast_stale')).toBe(0);
  });

  it('keeps serving the last forecast, marked stale with its age, while the exchange is down', async () => {
    exchange.setDown(true);
    advanceTo(T0 + 31 * HOUR + 2_500);
    await serving.feed!.poll();
    const body = await forecast();
    expect(body).toMatchObject({ stale: true, ageSeconds: 3_602.5, lastClose: candles[29]!.close });
    expect(await metric('mur_exchange_up')).toBe(0);
    expect(await metric('mur_forecast_stale')).toBe(1);
    expect(await metric('mur_forecast_age_seconds')).toBe(3_602.5);
    expect(await metric('mur_exchange_polls_total\\{result="error"\\}')).toBe(1);

    // A 503 from a load balancer in front of the exchange is just as unreachable.
    exchange.setDown(true, 'unavailable');
    await serving.feed!.poll();
    expect((await forecast()).stale).toBe(true);
  });

  it('is fresh again, on the newest candle, once the exchange is back', async () => {
    exchange.setDown(false);
    advanceTo(T0 + 32 * HOUR + 2_000);
    await serving.feed!.poll();
    const body = await forecast();
    expect(body).toMatchObject({ stale: false, ageSeconds: 2, lastClose: candles[31]!.close, lastCloseTime: T0 + 32 * HOUR });
    expect(await metric('mur_exchange_up')).toBe(1);
    expect(await metric('mur_forecast_stale')).toBe(0);
    expect(await metric('mur_forecast_last_candle_timestamp_seconds')).toBe((T0 + 31 * HOUR) / 1000);
  });

  it('rides out a single 500 from the exchange on the next poll', async () => {
    exchange.failNext(1, 500, 'klines');
    advanceTo(T0 + 33 * HOUR + 2_000);
    await serving.feed!.poll();
    expect((await forecast()).stale).toBe(true);
    await serving.feed!.poll();
    expect(await forecast()).toMatchObject({ stale: false, lastClose: candles[32]!.close });
  });
});
