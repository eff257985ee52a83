import { describe, expect, it } from 'vitest';
import { makeManifest } from '../../../test/support/manifest-fixture.ts';
import { buildForecast, forecastAgeSeconds } from './forecast.ts';
import { forecastResponseJson } from './forecast-json.ts';

const HOUR = 3_600_000;
const manifest = { ...makeManifest(), horizon: 2, quantiles: [0.1, 0.5, 0.9] };
const lastCandle = { time: Date.UTC(2025, 0, 1, 10), open: 100, high: 101, low: 99, close: 200, volume: 1 };

describe('buildForecast', () => {
  // y is [horizon = 2, Q = 3]: cumulative log-returns per step and quantile.
  const y = Float32Array.from([Math.log(0.5), 0, Math.log(2), Math.log(0.25), Math.log(1.5), Math.log(4)]);
  const forecast = buildForecast(manifest, lastCandle, HOUR, y);

  it('prices every quantile as lastClose · exp(y) and names median and outer bounds', () => {
    const [first, second] = forecast.points;
    expect(first!.quantiles['0.1']).toBeCloseTo(100, 4);
    expect(first!.median).toBe(200);
    expect(first!.lower).toBeCloseTo(100, 4);
    expect(first!.upper).toBeCloseTo(400, 4);
    expect(second!.lower).toBeCloseTo(50, 4);
    expect(second!.median).toBeCloseTo(300, 4);
    expect(second!.upper).toBeCloseTo(800, 4);
    expect(second!.quantiles).toEqual({ '0.1': second!.lower, '0.5': second!.median, '0.9': second!.upper });
  });

  it('dates the last close and each step at candle close instants', () => {
    // The 10:00 candle closes at 11:00; the next two close at 12:00 and 13:00.
    expect(forecast.lastClose).toBe(200);
    expect(forecast.lastCloseTimestamp).toBe('2025-01-01T11:00:00.000Z');
    expect(forecast.points.map((p) => [p.step, p.timestamp, p.time])).toEqual([
      [1, '2025-01-01T12:00:00.000Z', Date.UTC(2025, 0, 1, 12)],
      [2, '2025-01-01T13:00:00.000Z', Date.UTC(2025, 0, 1, 13)],
    ]);
    expect(forecast.interval).toEqual({ lower: 0.1, upper: 0.9 });
    expect(forecast.modelVersion).toBe(manifest.version);
  });

  it('refuses an output of the wrong size', () => {
    expect(() => buildForecast(manifest, lastCandle, HOUR, new Float32Array(5))).toThrow(/expected 2 × 3/);
  });

  it('measures age from the last close and never reports a negative one', () => {
    expect(forecastAgeSeconds(forecast, forecast.lastCloseTime + 90_000)).toBe(90);
    expect(forecastAgeSeconds(forecast, forecast.lastCloseTime - 1)).toBe(0);
  });
});

describe('forecastResponseJson', () => {
  it('in full detail writes exactly what JSON.stringify writes, for any quantile set with a median', () => {
    for (const quantiles of [[0.1, 0.5, 0.9], [0.5], [0.05, 0.25, 0.5, 0.75, 0.95]]) {
      const model = { ...manifest, quantiles, horizon: 3 };
      const y = Float32Array.from({ length: 3 * quantiles.length }, (_, i) => (i - 4) * 0.013);
      const forecast = buildForecast(model, lastCandle, HOUR, y);
      expect(forecastResponseJson(forecast, true, 12.5, 'full')).toBe(JSON.stringify({ stale: true, ageSeconds: 12.5, ...forecast }));
    }
  });

  it('in compact detail keeps per step only the time, median and bounds, and drops the ISO copies', () => {
    const model = { ...manifest, quantiles: [0.05, 0.25, 0.5, 0.75, 0.95], horizon: 2 };
    const y = Float32Array.from([-0.02, -0.01, 0, 0.01, 0.02, -0.03, -0.015, 0.001, 0.015, 0.03]);
    const forecast = buildForecast(model, lastCandle, HOUR, y);
    // The model's output is float32, so each price is lastClose · exp(fround(y)).
    const price = (value: number) => lastCandle.close * Math.exp(Math.fround(value));
    const closeTime = lastCandle.time + HOUR;
    const json = forecastResponseJson(forecast, false, 3, 'compact');
    expect(JSON.parse(json)).toEqual({
      stale: false,
      ageSeconds: 3,
      modelVersion: manifest.version,
      exchange: manifest.market.exchange,
      symbol: manifest.market.symbol,
      timeframe: '1h',
      lastClose: 200,
      lastCloseTime: closeTime,
      quantileLevels: [0.05, 0.25, 0.5, 0.75, 0.95],
      interval: { lower: 0.05, upper: 0.95 },
      points: [
        { time: closeTime + HOUR, median: price(0), lower: price(-0.02), upper: price(0.02) },
        { time: closeTime + 2 * HOUR, median: price(0.001), lower: price(-0.03), upper: price(0.03) },
      ],
    });
    // Key order as documented, and nothing else in a point.
    expect(json).toContain(`"points":[{"time":${closeTime + HOUR},"median":${price(0)},"lower":${price(-0.02)},"upper":${price(0.02)}},`);
  });
});
