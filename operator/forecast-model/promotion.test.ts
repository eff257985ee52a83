import { describe, expect, it } from 'vitest';
import type { RunMetrics } from '../../core/crd/metrics.ts';
import { GOOD_METRICS } from '../test-support/fixtures.ts';
import { decidePromotion, metricLoss, type PromotionInput } from './promotion.ts';

const base: PromotionInput = { policy: 'BeatBaseline', metric: 'mase', candidate: GOOD_METRICS, nominalCoverage: 0.8, manuallyApproved: false, significanceLevel: 0.05 };
const worse: RunMetrics = { mase: 1.05, maseStep1: 1.1, naiveMase: 1, skillVsNaive: -0.05, coverage: 0.6, winkler: 520, directionalAccuracy: 0.48 };

describe('decidePromotion', () => {
  it('Always promotes', () => {
    expect(decidePromotion({ ...base, policy: 'Always', candidate: worse })).toMatchObject({ outcome: 'promote', reason: 'PolicyAlways' });
  });

  it('BeatBaseline compares MASE with naive MASE', () => {
    expect(decidePromotion(base)).toEqual({ outcome: 'promote', reason: 'BeatBaseline', message: 'mase 0.8200 beats naive 1.0000' });
    expect(decidePromotion({ ...base, candidate: worse })).toEqual({ outcome: 'reject', reason: 'BaselineNotBeaten', message: 'mase 1.0500 does not beat naive 1.0000' });
  });

  it('BeatBaseline promotes by the Diebold–Mariano test where the run carries one, whatever the MASE says', () => {
    const tested = (pValue: number, meanLossDifference: number): RunMetrics => ({ ...GOOD_METRICS, medianTest: { against: 'naive', pValue, meanLossDifference } });
    expect(decidePromotion({ ...base, candidate: tested(0.003, -0.02) })).toEqual({
      outcome: 'promote',
      reason: 'BeatBaseline',
      message: 'Diebold–Mariano test of the median against naive over the rolling-origin backtest: beats naive (p = 0.003 < 0.05)',
    });
    // MASE 0.82 but not significant: no evidence of skill does not promote.
    expect(decidePromotion({ ...base, candidate: tested(0.2, -0.02) })).toEqual({
      outcome: 'reject',
      reason: 'BaselineNotBeaten',
      message: 'Diebold–Mariano test of the median against naive over the rolling-origin backtest: no evidence of skill vs naive (p = 0.2, needs < 0.05)',
    });
    // A tie (identical losses) never promotes.
    expect(decidePromotion({ ...base, metric: 'maseStep1', candidate: tested(1, 0) }).outcome).toBe('reject');
    expect(decidePromotion({ ...base, metric: 'skillVsNaive', candidate: tested(0.001, 0.05) }).message).toMatch(/worse than naive \(p = 0\.001\)$/);
    // The level is configurable: p = 0.03 passes 0.05 but not 0.01.
    expect(decidePromotion({ ...base, candidate: tested(0.03, -0.02) }).outcome).toBe('promote');
    expect(decidePromotion({ ...base, significanceLevel: 0.01, candidate: tested(0.03, -0.02) }).outcome).toBe('reject');
    // Direction has no test: it still compares with a coin flip.
    expect(decidePromotion({ ...base, metric: 'directionalAccuracy', candidate: tested(0.9, 0.01) }).outcome).toBe('promote');
  });

  it('BeatBaseline on direction refuses a model that never calls a move', () => {
    expect(decidePromotion({ ...base, metric: 'directionalAccuracy', candidate: { ...GOOD_METRICS, directionalAccuracy: null } })).toMatchObject({ outcome: 'reject', reason: 'MetricMissing' });
  });

  it('BeatBaseline on skill needs skill above zero, on direction better than a coin flip', () => {
    expect(decidePromotion({ ...base, metric: 'skillVsNaive' }).outcome).toBe('promote');
    expect(decidePromotion({ ...base, metric: 'skillVsNaive', candidate: { ...GOOD_METRICS, skillVsNaive: 0 } }).outcome).toBe('reject');
    expect(decidePromotion({ ...base, metric: 'directionalAccuracy', candidate: { ...GOOD_METRICS, directionalAccuracy: 0.5 } }).outcome).toBe('reject');
    expect(decidePromotion({ ...base, metric: 'maseStep1' }).outcome).toBe('promote');
  });

  it('BeatBaseline on an interval metric is refused: naive has no interval', () => {
    expect(decidePromotion({ ...base, metric: 'winkler' })).toMatchObject({ outcome: 'reject', reason: 'NoBaseline' });
  });

  it('BeatCurrent promotes the first model and then only strict improvements', () => {
    expect(decidePromotion({ ...base, policy: 'BeatCurrent', candidate: worse })).toMatchObject({ outcome: 'promote', reason: 'FirstModel' });
    expect(decidePromotion({ ...base, policy: 'BeatCurrent', candidate: worse, current: GOOD_METRICS })).toEqual({
      outcome: 'reject',
      reason: 'CurrentNotBeaten',
      message: "mase 1.0500 does not beat the served model's 0.8200",
    });
    expect(decidePromotion({ ...base, policy: 'BeatCurrent', candidate: GOOD_METRICS, current: GOOD_METRICS }).outcome).toBe('reject');
    expect(decidePromotion({ ...base, policy: 'BeatCurrent', candidate: GOOD_METRICS, current: worse }).outcome).toBe('promote');
  });

  it('BeatCurrent decides by the test against the served model when the run made one against the model still served', () => {
    const input = { ...base, policy: 'BeatCurrent' as const, current: GOOD_METRICS, currentVersion: 'btc-1' };
    const tested = (against: string, pValue: number, meanLossDifference: number): RunMetrics => ({ ...worse, currentTest: { against, pValue, meanLossDifference } });
    // A worse MASE on the candidate's own folds does not matter: the paired test on shared forecasts decides.
    expect(decidePromotion({ ...input, candidate: tested('btc-1', 0.01, -0.03) })).toEqual({
      outcome: 'promote',
      reason: 'BeatCurrent',
      message: 'Diebold–Mariano test of the median against the served model on forecasts neither trained on: beats btc-1 (p = 0.01 < 0.05)',
    });
    // A tie never promotes.
    expect(decidePromotion({ ...input, candidate: tested('btc-1', 1, 0) })).toMatchObject({ outcome: 'reject', reason: 'CurrentNotBeaten' });
    // Tested against a model that no longer serves: back to the metric comparison (worse MASE: reject; GOOD: tie, reject).
    expect(decidePromotion({ ...input, candidate: { ...GOOD_METRICS, mase: 0.5, currentTest: { against: 'btc-0', pValue: 0.9, meanLossDifference: 0.1 } } })).toMatchObject({
      outcome: 'promote',
      message: "mase 0.5000 beats the served model's 0.8200",
    });
  });

  it('BeatCurrent on coverage prefers the one closer to nominal', () => {
    const input = { ...base, policy: 'BeatCurrent' as const, metric: 'coverage' as const };
    expect(decidePromotion({ ...input, candidate: { ...GOOD_METRICS, coverage: 0.83 }, current: { ...GOOD_METRICS, coverage: 0.7 } }).outcome).toBe('promote');
    expect(decidePromotion({ ...input, candidate: { ...GOOD_METRICS, coverage: 0.95 }, current: { ...GOOD_METRICS, coverage: 0.75 } }).outcome).toBe('reject');
    expect(decidePromotion({ ...input, candidate: { ...GOOD_METRICS, coverage: null } })).toMatchObject({ outcome: 'reject', reason: 'MetricMissing' });
  });

  it('Manual waits for the annotation, which promotes under any policy', () => {
    expect(decidePromotion({ ...base, policy: 'Manual' })).toMatchObject({ outcome: 'wait', reason: 'AwaitingApproval' });
    expect(decidePromotion({ ...base, policy: 'Manual', manuallyApproved: true })).toMatchObject({ outcome: 'promote', reason: 'ManuallyPromoted' });
    expect(decidePromotion({ ...base, candidate: worse, manuallyApproved: true }).outcome).toBe('promote');
  });
});

describe('metricLoss', () => {
  it('turns every metric into lower-is-better', () => {
    expect(metricLoss('mase', GOOD_METRICS, 0.8)).toBe(0.82);
    expect(metricLoss('skillVsNaive', GOOD_METRICS, 0.8)).toBe(-0.18);
    expect(metricLoss('coverage', GOOD_METRICS, 0.8)).toBeCloseTo(0.02, 10);
    expect(metricLoss('winkler', { ...GOOD_METRICS, winkler: null }, 0.8)).toBeUndefined();
  });
});
