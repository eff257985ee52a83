import { describe, expect, it } from 'vitest';
import type { DatasetSample } from '../dataset/types.ts';
import type { Baseline } from './baselines.ts';
import { empiricalQuantile, fitResidualBounds } from './residual-intervals.ts';

describe('empiricalQuantile', () => {
  it('interpolates linearly between order statistics', () => {
    const sorted = [1, 2, 3, 4, 5];
    expect(empiricalQuantile(sorted, 0.1)).toBeCloseTo(1.4, 12); // position 0.4
    expect(empiricalQuantile(sorted, 0.5)).toBe(3);
    expect(empiricalQuantile(sorted, 0.9)).toBeCloseTo(4.6, 12); // position 3.6
    expect(empiricalQuantile([7], 0.9)).toBe(7);
  });
});

describe('fitResidualBounds', () => {
  it('takes per-step quantiles of (actual − forecast) / anchor close on the training samples', () => {
    const persistence: Baseline = {
      name: 'naive',
      description: 'persistence',
      forecast: (origin) => ({ closes: [origin.anchorClose, origin.anchorClose], fallbackSteps: 0 }),
    };
    // Anchor 100 each; step-1 residuals −0.02, 0, 0.01, 0.03, 0.05; step-2 residuals twice as large.
    const moves = [-2, 0, 1, 3, 5];
    const train = moves.map(
      (move, i): DatasetSample => ({
        anchorIndex: i,
        anchorTime: i,
        anchorClose: 100,
        features: new Float32Array(0),
        targetLogReturns: [],
        targetCloses: [100 + move, 100 + 2 * move],
      }),
    );
    const bounds = fitResidualBounds(persistence, train, 2, 0.25, 0.75);
    // Sorted step-1 residuals [−0.02, 0, 0.01, 0.03, 0.05]: positions 1 and 3.
    expect(bounds.lower[0]).toBeCloseTo(0, 12);
    expect(bounds.upper[0]).toBeCloseTo(0.03, 12);
    expect(bounds.lower[1]).toBeCloseTo(0, 12);
    expect(bounds.upper[1]).toBeCloseTo(0.06, 12);
  });
});
