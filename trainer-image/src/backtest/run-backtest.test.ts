import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { buildDataset } from '../dataset/build-dataset.ts';
import type { Dataset } from '../dataset/types.ts';
import { meanAbsoluteError } from './metrics.ts';
import { empiricalQuantile } from './residual-intervals.ts';
import { runBacktest } from './run-backtest.ts';
import { summariseBacktest } from './summary.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const QUANTILES = [0.1, 0.5, 0.9];

/** Hourly candles with a wavy, rising close; `flatFrom` makes every later close 100. */
function hourlyCandles(count: number, flatFrom = Infinity): Candle[] {
  return Array.from({ length: count }, (_, k) => {
    const close = k >= flatFrom ? 100 : 100 * Math.exp(0.02 * Math.sin(k / 5) + 0.0005 * k);
    return { time: START + k * HOUR, open: close, high: close * 1.01, low: close * 0.99, close, volume: 10 };
  });
}

function dataset(candles = hourlyCandles(400)): Dataset {
  return buildDataset(candles, { timeframe: '1h', window: 8, horizon: 3, validationFraction: 0.15, testFraction: 0.15 });
}

/** Predictions [n, 3, 3] from a function of (sample, step, quantile index). */
function predictionsFor(data: Dataset, value: (i: number, h: number, q: number) => number): Float32Array {
  const n = data.test.samples.length;
  return Float32Array.from({ length: n * 9 }, (_, k) => value(Math.floor(k / 9), Math.floor(k / 3) % 3, k % 3));
}

describe('runBacktest', () => {
  it('scores a no-change model exactly like naive persistence: MASE 1 and a zero-width interval', () => {
    const data = dataset();
    const backtest = runBacktest({ dataset: data, predictions: predictionsFor(data, () => 0), quantiles: QUANTILES });
    const test = data.test.samples;
    for (let h = 0; h < 3; h++) {
      const naiveMae = meanAbsoluteError(test.map((s) => s.anchorClose), test.map((s) => s.targetCloses[h]!));
      const model = backtest.forecasters.model.steps[h]!;
      expect(model).toMatchObject({ step: h + 1, mase: 1, directionalAccuracy: 0, coverage: 0 });
      expect(backtest.forecasters.naive.steps[h]!.mase).toBe(1);
      expect(model.mae).toBeCloseTo(naiveMae, 4);
      // Zero width, every outcome outside by |actual − anchor|: 2/0.2 times the naive MAE.
      expect(model.winkler!).toBeCloseTo(10 * naiveMae, 3);
    }
    expect(backtest.intervalLevel).toBe(0.8);
    expect(summariseBacktest(backtest).verdict).toBe('does not beat naive persistence: MASE 1.00 at step 1, 1.00 over 3 steps; 80% interval covers 0%');
  });

  it('rewards a model that knows the future', () => {
    const data = dataset();
    const test = data.test.samples;
    const offsets = [-0.01, 0, 0.01];
    const backtest = runBacktest({ dataset: data, predictions: predictionsFor(data, (i, h, q) => test[i]!.targetLogReturns[h]! + offsets[q]!), quantiles: QUANTILES });
    for (const step of backtest.forecasters.model.steps) {
      expect(step.mase).toBeLessThan(0.001);
      expect(step).toMatchObject({ directionalAccuracy: 1, coverage: 1 });
    }
    const summary = summariseBacktest(backtest);
    expect(summary.skillVsNaive).toBeGreaterThan(0.999);
    expect(summary.verdict).toMatch(/^beats naive persistence: MASE 0\.00 at step 1, 0\.00 over 3 steps; 80% interval covers 100%$/);
    expect(Object.keys(summary.baselines)).toEqual(['naive', 'seasonalNaive', 'drift']);
  });

  it('scores seasonal naive and drift from the closes a day and a window earlier', () => {
    const data = dataset();
    const { candles } = data;
    const test = data.test.samples;
    const backtest = runBacktest({ dataset: data, predictions: predictionsFor(data, () => 0), quantiles: QUANTILES });
    // Step 1: seasonal naive is the close 23 candles before the anchor; drift adds an eighth of the window's change.
    const actual = test.map((s) => s.targetCloses[0]!);
    const seasonal = test.map((s) => candles[s.anchorIndex - 23]!.close);
    const drift = test.map((s) => s.anchorClose + (s.anchorClose - candles[s.anchorIndex - 8]!.close) / 8);
    expect(backtest.forecasters.seasonalNaive.steps[0]!.mae).toBeCloseTo(meanAbsoluteError(seasonal, actual), 4);
    expect(backtest.forecasters.drift.steps[0]!.mae).toBeCloseTo(meanAbsoluteError(drift, actual), 4);
    expect(backtest.forecasters.seasonalNaive.fallbackSteps).toBe(0);
  });

  it('gives baselines intervals from their training residuals', () => {
    const data = dataset();
    const backtest = runBacktest({ dataset: data, predictions: predictionsFor(data, () => 0), quantiles: QUANTILES });
    const residuals = data.train.samples.map((s) => (s.targetCloses[0]! - s.anchorClose) / s.anchorClose).sort((a, b) => a - b);
    const low = empiricalQuantile(residuals, 0.1);
    const high = empiricalQuantile(residuals, 0.9);
    const test = data.test.samples;
    const inside = test.filter((s) => {
      const y = s.targetCloses[0]!;
      return y >= s.anchorClose * (1 + low) && y <= s.anchorClose * (1 + high);
    }).length;
    expect(backtest.forecasters.naive.steps[0]!.coverage).toBeCloseTo(inside / test.length, 6);
    expect(backtest.forecasters.naive.interval).toBe('training-split residual quantiles 0.1–0.9');
  });

  it('records each test sample with its actual closes and model quantile prices to 6 significant digits', () => {
    const data = dataset();
    const backtest = runBacktest({ dataset: data, predictions: predictionsFor(data, (_, h, q) => 0.001 * (q - 1) * (h + 1)), quantiles: QUANTILES });
    const sample = data.test.samples[2]!;
    const record = backtest.predictions[2]!;
    expect(backtest.predictions).toHaveLength(data.test.samples.length);
    expect(record.time).toBe(sample.anchorTime);
    expect(record.close).toBe(Number(sample.anchorClose.toPrecision(6)));
    expect(record.actual).toEqual(sample.targetCloses.map((c) => Number(c.toPrecision(6))));
    expect(record.quantiles[1]).toEqual([-0.002, 0, 0.002].map((y) => Number((sample.anchorClose * Math.exp(Math.fround(y))).toPrecision(6))));
    expect(JSON.parse(JSON.stringify(backtest))).toEqual(backtest);
  });

  it('reports no interval for a median-only model', () => {
    const data = dataset();
    const n = data.test.samples.length;
    const backtest = runBacktest({ dataset: data, predictions: new Float32Array(n * 3), quantiles: [0.5] });
    expect(backtest.intervalLevel).toBeNull();
    expect(backtest.forecasters.drift.steps[0]!.coverage).toBeNull();
    expect(backtest.forecasters.model.interval).toBeNull();
    const summary = summariseBacktest(backtest);
    expect(summary.model.coverage).toBeNull();
    expect(summary.verdict).toBe('does not beat naive persistence: MASE 1.00 at step 1, 1.00 over 3 steps');
  });

  it('refuses predictions of the wrong shape or with non-finite values', () => {
    const data = dataset();
    const n = data.test.samples.length;
    expect(() => runBacktest({ dataset: data, predictions: new Float32Array(n * 9 - 1), quantiles: QUANTILES })).toThrow(
      new RegExp(`expected ${n * 9} = ${n} samples × 3 steps × 3 quantiles`),
    );
    const bad = new Float32Array(n * 9);
    bad[9 * 4 + 2] = Number.NaN;
    expect(() => runBacktest({ dataset: data, predictions: bad, quantiles: QUANTILES })).toThrow(/test sample 4 is not finite/);
    expect(() => runBacktest({ dataset: data, predictions: new Float32Array(n * 9), quantiles: [0.1, 0.4, 0.9] })).toThrow(/median 0.5/);
  });

  it('refuses a test split whose prices never move', () => {
    const data = dataset(hourlyCandles(400, 300));
    const n = data.test.samples.length;
    expect(() => runBacktest({ dataset: data, predictions: new Float32Array(n * 9), quantiles: QUANTILES })).toThrow(BadInputError);
  });
});
