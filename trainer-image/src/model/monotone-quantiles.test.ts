import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { monotoneQuantiles, quantileOffsetMatrix } from './monotone-quantiles.ts';
import { useTestBackend } from './test-support/test-backend.ts';

beforeAll(useTestBackend);

const softplus = (z: number): number => Math.log1p(Math.exp(z));

describe('quantileOffsetMatrix', () => {
  it('adds offsets outward from the median', () => {
    // quantiles 0.1, 0.25, 0.5, 0.9: median index 2.
    // out[0] = v2 − v1 − v0, out[1] = v2 − v1, out[2] = v2, out[3] = v2 + v3 (columns are outputs).
    expect(Array.from(quantileOffsetMatrix([0.1, 0.25, 0.5, 0.9]))).toEqual([
      -1, 0, 0, 0,
      -1, -1, 0, 0,
      1, 1, 1, 1,
      0, 0, 0, 1,
    ]);
  });

  it('refuses quantiles without a median', () => {
    expect(() => quantileOffsetMatrix([0.1, 0.9])).toThrow(/0\.5/);
  });
});

describe('monotoneQuantiles', () => {
  it('keeps the median and places softplus offsets around it', () => {
    const raw = tf.tensor3d([[[0.3, -1.2, 2.0]]]);
    const out = Array.from(monotoneQuantiles(raw, [0.1, 0.5, 0.9]).dataSync());
    expect(out[1]).toBeCloseTo(-1.2, 6);
    expect(out[0]).toBeCloseTo(-1.2 - softplus(0.3), 5);
    expect(out[2]).toBeCloseTo(-1.2 + softplus(2.0), 5);
  });

  it('never lets quantiles cross, whatever the raw outputs', () => {
    const raw = tf.randomNormal([50, 4, 5], 0, 10, 'float32', 3) as tf.Tensor3D;
    const out = monotoneQuantiles(raw, [0.05, 0.25, 0.5, 0.75, 0.95]).arraySync();
    for (const sample of out) for (const step of sample) for (let q = 1; q < step.length; q++) expect(step[q]).toBeGreaterThanOrEqual(step[q - 1]!);
  });
});
