import { describe, expect, it } from 'vitest';
import { applyIntervalFallback } from './interval-fallback.ts';

describe('applyIntervalFallback', () => {
  it('blends every quantile but the median with naive offsets, per step', () => {
    // One forecast, two steps, quantiles [low, median, high] with the median at index 1.
    const forecasts = Float32Array.of(-0.1, 0.01, 0.1, -0.2, 0.02, 0.2);
    const fallback = { modelWeight: [1, 0.25], naiveOffset: [-1, 0, 1, -0.04, 0, 0.08] };
    applyIntervalFallback(forecasts, fallback, 2, 3, 1);
    // Step 1 keeps the network; step 2: 0.02 + 0.25·(±0.2 ∓ ...) + 0.75·offset.
    expect(Array.from(forecasts.subarray(0, 3))).toEqual(Array.from(Float32Array.of(-0.1, 0.01, 0.1)));
    expect(forecasts[3]).toBeCloseTo(0.02 + 0.25 * (-0.2 - 0.02) + 0.75 * -0.04, 6);
    expect(forecasts[4]).toBeCloseTo(0.02, 7);
    expect(forecasts[5]).toBeCloseTo(0.02 + 0.25 * (0.2 - 0.02) + 0.75 * 0.08, 6);
  });
});
