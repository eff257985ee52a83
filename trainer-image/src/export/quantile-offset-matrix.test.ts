import { describe, expect, it } from 'vitest';
import { quantileOffsetMatrix } from './quantile-offset-matrix.ts';

describe('quantileOffsetMatrix', () => {
  it('subtracts the gaps below the median and adds those above it', () => {
    // Five quantiles, median at 2: offsets = [-(g0+g1), -g1, 0, g3, g3+g4].
    expect(Array.from(quantileOffsetMatrix(5, 2))).toEqual([
      -1, 0, 0, 0, 0,
      -1, -1, 0, 0, 0,
      0, 0, 0, 0, 0,
      0, 0, 0, 1, 1,
      0, 0, 0, 0, 1,
    ]);
  });

  it('handles a median at either end and a lone median', () => {
    expect(Array.from(quantileOffsetMatrix(3, 0))).toEqual([0, 0, 0, 0, 1, 1, 0, 0, 1]);
    expect(Array.from(quantileOffsetMatrix(3, 2))).toEqual([-1, 0, 0, -1, -1, 0, 0, 0, 0]);
    expect(Array.from(quantileOffsetMatrix(1, 0))).toEqual([0]);
  });
});
