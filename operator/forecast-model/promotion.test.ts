import { describe, expect, it } from 'vitest';
import type { RunMetrics } from '../../core/crd/metrics.ts';
import { GOOD_METRICS } from '../test-fixtures.ts';
import { decidePromotion, metricLoss, type PromotionInput } from './promotion.ts';

const base: PromotionInput = { policy: 'BeatBaseline', metric: 'mase', candidate: GOOD_METRICS, nominalCoverage: 0.8, manuallyApproved: false };
const worse: RunMetrics = { mase: 1.05, maseStep1: 1.1, naiveMase: 1, skillVsNaive: -0.05, coverage: 0.6, winkler: 520, directionalAccuracy: 0.48 };

describe('decidePromotion', () => {
  it('Always promotes', () => {
    expect(decidePromotion({ ...base, policy: 'Always', candidate: worse })).toMatchObject({ outcome: 'promote', reason: 'PolicyAlways' });
  });

  it('BeatBaseline compares MASE with naive MASE', () => {
    expect(decidePromotion(base)).toEqual({ outcome: 'promote', reason: 'BeatBaseline', message: 'mase 0.8200 beats naive 1.0000' });
    expect(decidePromotion({ ...base, candidate: worse })).toEqual({ outcome: 'reject', reason: 'BaselineNotBeaten', message: 'mase 1.0500 does not beat naive 1.0000' });
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
