import { describe, expect, it } from 'vitest';
import { describeComparison, formatPValue } from './verdict.ts';

const result = (meanLossDifference: number, pValue: number) => ({ n: 50, horizon: 1, meanLossDifference, statistic: 1, pValue });

describe('describeComparison', () => {
  it('claims a win only when the model is significantly better', () => {
    expect(describeComparison(result(-0.3, 0.004), 'naive')).toBe('beats naive (p = 0.004)');
    expect(describeComparison(result(-0.3, 0.2), 'naive')).toBe('no evidence of skill vs naive (p = 0.2)');
    expect(describeComparison(result(0.3, 0.0001), 'drift')).toBe('worse than drift (p < 0.001)');
    expect(describeComparison(result(0, 1), 'naive')).toBe('no evidence of skill vs naive (p = 1)');
  });

  it('uses the significance level it is given', () => {
    expect(describeComparison(result(-0.3, 0.04), 'naive', 0.01)).toBe('no evidence of skill vs naive (p = 0.04)');
  });

  it('prints p-values with two significant digits', () => {
    expect(formatPValue(0.04567)).toBe('= 0.046');
    expect(formatPValue(0.0004)).toBe('< 0.001');
  });
});
