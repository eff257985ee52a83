import { describe, expect, it } from 'vitest';
import type { LiveFeed, LiveSnapshot } from '../feed/live-feed.ts';
import { createHealthRoutes } from '../routes/health-routes.ts';
import type { ServingState } from '../serving-state.ts';
import { createServerMetrics } from './server-metrics.ts';

const LAST_CANDLE_OPEN = Date.UTC(2025, 0, 1, 11);

/** What the routes see of a service with `feed` (the model's state does not change /metrics). */
function servingState(feed: LiveFeed | undefined): ServingState {
  return { modelStatus: () => ({ state: 'loading', attempts: 1 }), liveFeed: () => feed, trackRecord: () => undefined, modelName: () => undefined, draining: () => false };
}

/** A live feed that has polled but has no forecast yet, or has one `ageSeconds` old. */
function liveFeed(ageSeconds: number | undefined): LiveFeed {
  const snapshot = ageSeconds === undefined ? undefined : ({ candles: [{ time: LAST_CANDLE_OPEN }] } as unknown as LiveSnapshot);
  return {
    latest: () => snapshot,
    history: () => [],
    status: () => ({ stale: snapshot === undefined, ageSeconds, exchangeUp: true, lastError: undefined }),
    poll: async () => undefined,
    start: () => undefined,
    stop: () => undefined,
  };
}

/** The /metrics text a Prometheus scrape reads. */
async function scrape(feed: LiveFeed | undefined): Promise<string> {
  const metrics = createServerMetrics({ processMetrics: false });
  const response = await createHealthRoutes({ state: servingState(feed), metrics }).request('/metrics');
  expect(response.status).toBe(200);
  return response.text();
}

describe('forecast age and last-candle metrics', () => {
  it.each([
    ['the model is still loading (no live feed)', undefined],
    ['the feed has no forecast yet', liveFeed(undefined)],
  ])('have no sample while %s, so a missing forecast never reads as a fresh one', async (_case, feed) => {
    const text = await scrape(feed);
    expect(text).toMatch(/^mur_forecast_stale 1$/m);
    expect(text).toMatch(/^# TYPE mur_forecast_age_seconds gauge$/m);
    expect(text).not.toMatch(/^mur_forecast_age_seconds /m);
    expect(text).not.toMatch(/^mur_forecast_last_candle_timestamp_seconds /m);
  });

  it('report the age and the last candle once there is a forecast, including an age of 0', async () => {
    expect(await scrape(liveFeed(42.5))).toMatch(/^mur_forecast_age_seconds 42\.5$/m);
    const text = await scrape(liveFeed(0));
    expect(text).toMatch(/^mur_forecast_age_seconds 0$/m);
    expect(text).toMatch(new RegExp(`^mur_forecast_last_candle_timestamp_seconds ${LAST_CANDLE_OPEN / 1000}$`, 'm'));
  });

  it('read as absent through the JSON API too, and again after a registry reset', async () => {
    const metrics = createServerMetrics({ processMetrics: false });
    const age = async () => (await metrics.registry.getSingleMetric('mur_forecast_age_seconds')!.get()).values;
    expect(await age()).toEqual([]);
    metrics.forecastAge.set(7);
    expect(await age()).toEqual([{ value: 7, labels: {} }]);
    metrics.registry.resetMetrics();
    expect(await age()).toEqual([]);
  });
});
