import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { makeManifest } from '../../../test/support/manifest-fixture.ts';
import { createServerMetrics } from '../metrics/server-metrics.ts';
import { createLiveTrackRecord, type LiveTrackRecordLog } from './live-track-record.ts';

const HOUR = 3_600_000;
/** The fixture manifest's data.to: the training cutoff. */
const CUTOFF = Date.UTC(2025, 2, 1);
const quiet: LiveTrackRecordLog = { info() {}, warn() {} };

/**
 * Hourly candles from `first` (an index relative to the cutoff candle); the close moves +0.4 % and +0.8 % in
 * turn, so a ±1 % interval around the last close always holds the next close and never the one after.
 */
function candles(first: number, count: number): Candle[] {
  let close = 100;
  return Array.from({ length: count }, (_, i) => {
    if (i > 0) close *= Math.exp(i % 2 === 1 ? 0.004 : 0.008);
    return { time: CUTOFF + (first + i) * HOUR, open: close, high: close, low: close, close, volume: 1 };
  });
}

/** A model that forecasts no change (median = last close) with a ±1 % interval, counting the windows it is given. */
function noChangeModel(dataTo = new Date(CUTOFF).toISOString()) {
  const base = makeManifest({ window: 3, horizon: 2 });
  const manifest = { ...base, data: { ...base.data, to: dataTo } };
  const model = {
    manifest,
    stepMs: HOUR,
    windows: 0,
    async inferBackground(_features: Float32Array, samples: number) {
      model.windows += samples;
      // [samples, horizon 2, quantiles 0.1/0.5/0.9] log-returns.
      return Float32Array.from({ length: samples * 2 * 3 }, (_, i) => [-0.01, 0, 0.01][i % 3]!);
    },
  };
  return model;
}

async function scrape(metrics: ReturnType<typeof createServerMetrics>): Promise<string> {
  return metrics.registry.metrics();
}

describe('createLiveTrackRecord', () => {
  it('scores only forecasts made after the training cutoff, per step and overall, and publishes the gauges', async () => {
    const model = noChangeModel();
    const metrics = createServerMetrics({ processMetrics: false });
    const record = createLiveTrackRecord({ model, maxDays: 30, log: quiet, gauges: metrics.trackRecord });
    expect(await scrape(metrics)).not.toMatch(/^mur_live_\w+[{ ]/m);

    // Candles from 5 h before the cutoff candle to 10 h after it: origins 1 h … 10 h after it.
    await record.update(candles(-5, 16));
    const body = record.latest();
    expect(model.windows).toBe(10);
    expect(body.steps.map((s) => s.samples)).toEqual([9, 8]);
    expect(body.overall.samples).toBe(8);
    // Forecasting no change is naive persistence: MASE exactly 1.
    expect(body.steps.map((s) => s.mase)).toEqual([1, 1]);
    expect(body.overall.mase).toBe(1);
    expect(body.steps.map((s) => s.coverage)).toEqual([1, 0]);
    expect(body.overall.coverage).toBe(0.5);
    expect(body).toMatchObject({ trainingCutoff: '2025-03-01T00:00:00.000Z', maxDays: 30, intervalLevel: 0.8, scored: { from: CUTOFF + 2 * HOUR, to: CUTOFF + 11 * HOUR } });
    expect(JSON.parse(record.latestJson())).toEqual(body);

    const text = await scrape(metrics);
    expect(text).toMatch(/^mur_live_scored_samples\{step="1"\} 9$/m);
    expect(text).toMatch(/^mur_live_scored_samples\{step="all"\} 8$/m);
    expect(text).toMatch(/^mur_live_mase\{step="2"\} 1$/m);
    expect(text).toMatch(/^mur_live_coverage\{step="all"\} 0.5$/m);
    expect(text).toMatch(/^mur_live_winkler\{step="1"\} \d/m);
    expect(text).toMatch(/^mur_live_nominal_coverage 0.8$/m);
  });

  it('lists each scored candle\'s step-1 forecast with the close that happened', async () => {
    const series = candles(-5, 16);
    const record = createLiveTrackRecord({ model: noChangeModel(), maxDays: 30, log: quiet, gauges: createServerMetrics({ processMetrics: false }).trackRecord });
    await record.update(series);
    const { forecasts } = record.latest();
    expect(forecasts).toHaveLength(9);
    // The forecast made at the first candle after the cutoff is for the candle after it, closing 3 h after the cutoff.
    const origin = series[6]!;
    expect(forecasts[0]).toEqual({ time: CUTOFF + 3 * HOUR, median: origin.close, lower: origin.close * Math.exp(Math.fround(-0.01)), upper: origin.close * Math.exp(Math.fround(0.01)), actual: series[7]!.close });
    expect(forecasts.at(-1)!.actual).toBe(series.at(-1)!.close);
  });

  it('makes only the new forecast when a candle arrives, and keeps to the last maxDays', async () => {
    const model = noChangeModel();
    const record = createLiveTrackRecord({ model, maxDays: 1, log: quiet, gauges: createServerMetrics({ processMetrics: false }).trackRecord });
    expect(record.historyCandles).toBe(3 + 24);
    const series = candles(1, 40);
    await record.update(series.slice(-28));
    expect(model.windows).toBe(24);
    expect(record.latest().steps[0]!.samples).toBe(23);
    await record.update(series.slice(-27).concat(candles(41, 1).map((c) => ({ ...c, close: series.at(-1)!.close }))));
    expect(model.windows).toBe(25);
    expect(record.latest().steps[0]!.samples).toBe(23);
    expect(record.latest().scored.to).toBe(CUTOFF + 42 * HOUR);
  });

  it('reports zero samples, and no figures in /metrics, while the cutoff is newer than the newest candle', async () => {
    const model = noChangeModel(new Date(CUTOFF + 100 * HOUR).toISOString());
    const metrics = createServerMetrics({ processMetrics: false });
    const record = createLiveTrackRecord({ model, maxDays: 30, log: quiet, gauges: metrics.trackRecord });
    await record.update(candles(-5, 16));
    expect(model.windows).toBe(0);
    expect(record.latest()).toMatchObject({ overall: { step: 'all', samples: 0, mase: null, coverage: null, winkler: null }, scored: { from: null, to: null }, forecasts: [] });
    const text = await scrape(metrics);
    expect(text).toMatch(/^mur_live_scored_samples\{step="all"\} 0$/m);
    expect(text).not.toMatch(/^mur_live_(mase|coverage|winkler)\{/m);
  });
});
