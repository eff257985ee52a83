import { describe, expect, it } from 'vitest';
import { parseBacktest } from '../../../core/backtest.ts';
import type { Candle } from '../../../core/candle.ts';
import { BadInputError } from '../../../core/errors.ts';
import { buildDataset } from '../dataset/build-dataset.ts';
import { meanAbsoluteError } from './metrics.ts';
import { empiricalQuantile } from './residual-intervals.ts';
import { buildRollingOrigins, EVALUATION_SCHEME, type RollingFold } from './rolling-origins.ts';
import { runBacktest, type BacktestFoldInput } from './run-backtest.ts';
import { summariseBacktest } from './summary.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const QUANTILES = [0.1, 0.5, 0.9];
const FRACTIONS = { validationFraction: 0.15, testFraction: 0.2 };

/** Hourly candles with a wavy, rising close; `flatFrom` makes every later close 100. */
function hourlyCandles(count: number, flatFrom = Infinity): Candle[] {
  return Array.from({ length: count }, (_, k) => {
    const close = k >= flatFrom ? 100 : 100 * Math.exp(0.02 * Math.sin(k / 5) + 0.01 * Math.sin(k * 1.7) + 0.0005 * k);
    return { time: START + k * HOUR, open: close, high: close * 1.01, low: close * 0.99, close, volume: 10 };
  });
}

function folds(candles = hourlyCandles(600)): RollingFold[] {
  return buildRollingOrigins(buildDataset(candles, { timeframe: '1h', window: 8, horizon: 3, ...FRACTIONS }), FRACTIONS);
}

/** Fold inputs whose predictions [n, 3, Q] come from a function of (sample, step, quantile index). */
function inputs(rolling: readonly RollingFold[], value: (sample: RollingFold['dataset']['test']['samples'][number], h: number, q: number) => number, q = 3): BacktestFoldInput[] {
  return rolling.map(({ dataset }) => {
    const test = dataset.test.samples;
    const predictions = Float32Array.from({ length: test.length * 3 * q }, (_, k) => value(test[Math.floor(k / (3 * q))]!, Math.floor(k / q) % 3, k % q));
    return { dataset, predictions, trainingSeconds: 1.5 };
  });
}

const backtestOf = (input: BacktestFoldInput[], quantiles = QUANTILES) => runBacktest({ folds: input, quantiles, evaluation: EVALUATION_SCHEME });

describe('runBacktest', () => {
  it('calls a no-change model a tie with naive, never a win: MASE 1, p = 1, no directional calls', () => {
    const backtest = backtestOf(inputs(folds(), () => 0));
    for (const forecasters of [backtest.aggregate, ...backtest.folds.map((f) => f.forecasters)]) {
      for (const step of forecasters.model.steps) expect(step).toMatchObject({ mase: 1, directionalAccuracy: null, directionalCount: 0, directionalShare: 0, coverage: 0 });
    }
    expect(backtest.tests.median.overall).toMatchObject({ against: 'naive', meanLossDifference: 0, statistic: 0, pValue: 1, verdict: 'no evidence of skill vs naive (p = 1)' });
    for (const step of backtest.tests.median.steps) expect(step.verdict).toBe('no evidence of skill vs naive (p = 1)');
    const summary = summariseBacktest(backtest);
    expect(summary.model.directionalAccuracy).toBeNull();
    expect(summary.baselines.naive!.directionalAccuracy).toBeNull();
    expect(summary.verdict).toMatch(/^median: no evidence of skill vs naive \(p = 1\), MASE 1\.00 at step 1, 1\.00 over 3 steps; 80% interval: worse than \w+ \(p < 0\.001\), covers 0%$/);
  });

  it('rewards a model that knows the future, by test as well as by MASE', () => {
    const offsets = [-0.01, 0, 0.01];
    const backtest = backtestOf(inputs(folds(), (sample, h, q) => sample.targetLogReturns[h]! + offsets[q]!));
    for (const step of backtest.aggregate.model.steps) {
      expect(step.mase).toBeLessThan(0.001);
      expect(step).toMatchObject({ directionalAccuracy: 1, coverage: 1 });
    }
    expect(backtest.tests.median.overall.verdict).toBe('beats naive (p < 0.001)');
    const summary = summariseBacktest(backtest);
    expect(summary.skillVsNaive).toBeGreaterThan(0.999);
    expect(summary.verdict).toMatch(/^median: beats naive \(p < 0\.001\), MASE 0\.00 at step 1, 0\.00 over 3 steps; 80% interval: beats \w+ \(p < 0\.001\), covers 100%$/);
    expect(Object.keys(summary.baselines)).toEqual(['naive', 'seasonalNaive', 'drift', 'ewmaVolatility']);
  });

  it('scores every fold on its own block and all blocks together', () => {
    const rolling = folds();
    const backtest = backtestOf(inputs(rolling, () => 0));
    expect(backtest.evaluation).toEqual({ ...EVALUATION_SCHEME, folds: 4 });
    expect(backtest.folds.map((f) => f.test)).toEqual(rolling.map((f) => f.dataset.test.range));
    expect(backtest.test.samples).toBe(rolling.reduce((sum, f) => sum + f.dataset.test.samples.length, 0));
    expect(backtest.folds[0]!.trainingSeconds).toBe(1.5);
    // Aggregate MAE is the sample-weighted mean of the fold MAEs (equal blocks: the plain mean).
    const foldMae = backtest.folds.map((f) => f.forecasters.drift.steps[0]!.mae);
    expect(backtest.aggregate.drift.steps[0]!.mae).toBeCloseTo(foldMae.reduce((a, b) => a + b, 0) / foldMae.length, 3);
  });

  it('scores seasonal naive and drift from the closes a day and a window earlier', () => {
    const rolling = folds();
    const { candles, test } = rolling[0]!.dataset;
    const backtest = backtestOf(inputs(rolling, () => 0));
    const actual = test.samples.map((s) => s.targetCloses[0]!);
    const seasonal = test.samples.map((s) => candles[s.anchorIndex - 23]!.close);
    const drift = test.samples.map((s) => s.anchorClose + (s.anchorClose - candles[s.anchorIndex - 8]!.close) / 8);
    const fold = backtest.folds[0]!.forecasters;
    expect(fold.seasonalNaive.steps[0]!.mae).toBeCloseTo(meanAbsoluteError(seasonal, actual), 4);
    expect(fold.drift.steps[0]!.mae).toBeCloseTo(meanAbsoluteError(drift, actual), 4);
    expect(fold.seasonalNaive.fallbackSteps).toBe(0);
  });

  it("gives baselines intervals from their fold's training residuals", () => {
    const rolling = folds();
    const { train, test } = rolling[0]!.dataset;
    const backtest = backtestOf(inputs(rolling, () => 0));
    const residuals = train.samples.map((s) => (s.targetCloses[0]! - s.anchorClose) / s.anchorClose).sort((a, b) => a - b);
    const low = empiricalQuantile(residuals, 0.1);
    const high = empiricalQuantile(residuals, 0.9);
    const inside = test.samples.filter((s) => {
      const y = s.targetCloses[0]!;
      return y >= s.anchorClose * (1 + low) && y <= s.anchorClose * (1 + high);
    }).length;
    expect(backtest.folds[0]!.forecasters.naive.steps[0]!.coverage).toBeCloseTo(inside / test.samples.length, 6);
    expect(backtest.aggregate.naive.interval).toBe('training-split residual quantiles 0.1–0.9');
    expect(backtest.aggregate.ewmaVolatility.steps[0]!.mae).toBe(backtest.aggregate.naive.steps[0]!.mae);
    expect(backtest.aggregate.ewmaVolatility.steps[0]!.winkler).not.toBe(backtest.aggregate.naive.steps[0]!.winkler);
  });

  it('stores each close once and the model quantile prices per sample, and reads back with the core reader', () => {
    const rolling = folds();
    const backtest = backtestOf(inputs(rolling, (_, h, q) => 0.001 * (q - 1) * (h + 1)));
    const first = rolling[0]!.dataset.test.samples[0]!;
    const last = rolling[3]!.dataset.test.samples.at(-1)!;
    expect(backtest.closes.from).toBe(first.anchorTime);
    expect(backtest.closes.values).toHaveLength((last.anchorTime - first.anchorTime) / HOUR + 3 + 1);
    expect(backtest.closes.values[(last.anchorTime - first.anchorTime) / HOUR + 2]).toBe(Number(last.targetCloses[1]!.toPrecision(6)));
    expect(backtest.predictions).toHaveLength(backtest.test.samples);
    const record = backtest.predictions[2]!;
    const sample = rolling[0]!.dataset.test.samples[2]!;
    expect(record).toMatchObject({ fold: 1, time: sample.anchorTime });
    expect(record.quantiles[1]).toEqual([-0.002, 0, 0.002].map((y) => Number((sample.anchorClose * Math.exp(Math.fround(y))).toPrecision(6))));
    expect(parseBacktest(JSON.parse(JSON.stringify(backtest)), 'memory')).toEqual(backtest);
  });

  it('reports no interval and no interval test for a median-only model', () => {
    const backtest = backtestOf(inputs(folds(), () => 0, 1), [0.5]);
    expect(backtest.intervalLevel).toBeNull();
    expect(backtest.tests.interval).toBeNull();
    expect(backtest.aggregate.drift.steps[0]!.coverage).toBeNull();
    expect(backtest.aggregate.model.interval).toBeNull();
    const summary = summariseBacktest(backtest);
    expect(summary.model.coverage).toBeNull();
    expect(summary.verdict).toBe('median: no evidence of skill vs naive (p = 1), MASE 1.00 at step 1, 1.00 over 3 steps');
  });

  it('refuses predictions of the wrong shape or with non-finite values', () => {
    const good = inputs(folds(), () => 0);
    const n = good[1]!.dataset.test.samples.length;
    const short = good.map((f, k) => (k === 1 ? { ...f, predictions: new Float32Array(n * 9 - 1) } : f));
    expect(() => backtestOf(short)).toThrow(new RegExp(`fold 2: predictions hold ${n * 9 - 1} values, expected ${n * 9} = ${n} samples × 3 steps × 3 quantiles`));
    const bad = new Float32Array(n * 9);
    bad[9 * 4 + 2] = Number.NaN;
    expect(() => backtestOf(good.map((f, k) => (k === 1 ? { ...f, predictions: bad } : f)))).toThrow(/fold 2: model prediction for test sample 4 is not finite/);
    expect(() => backtestOf(good, [0.1, 0.4, 0.9])).toThrow(/median 0.5/);
  });

  it('refuses a test block whose prices never move', () => {
    expect(() => backtestOf(inputs(folds(hourlyCandles(600, 520)), () => 0))).toThrow(BadInputError);
  });
});
