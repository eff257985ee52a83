import { describe, expect, it } from 'vitest';
import { glorotUniform, lstmBias, orthogonal } from './initializers.ts';
import { createSeededRandom, shuffleInPlace } from './seeded-random.ts';

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, k) => sum + value * b[k]!, 0);
}

describe('orthogonal', () => {
  it('gives orthonormal rows for a wide matrix (the recurrent kernel)', () => {
    const rows = 4;
    const cols = 16;
    const matrix = orthogonal(rows, cols, createSeededRandom(1));
    const row = (r: number): Float32Array => matrix.subarray(r * cols, (r + 1) * cols);
    for (let a = 0; a < rows; a++) {
      for (let b = 0; b < rows; b++) expect(dot(row(a), row(b))).toBeCloseTo(a === b ? 1 : 0, 5);
    }
  });

  it('gives orthonormal columns for a tall matrix', () => {
    const matrix = orthogonal(6, 3, createSeededRandom(2));
    const column = (c: number): Float32Array => Float32Array.from({ length: 6 }, (_, r) => matrix[r * 3 + c]!);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(dot(column(a), column(b))).toBeCloseTo(a === b ? 1 : 0, 5);
  });
});

describe('glorotUniform', () => {
  it('stays inside ±sqrt(6 / (fanIn + fanOut)) and uses the whole range', () => {
    const values = glorotUniform(10, 14, createSeededRandom(3));
    const limit = Math.sqrt(6 / 24);
    expect(Math.max(...values)).toBeLessThanOrEqual(limit);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...values)).toBeGreaterThan(0.8 * limit);
  });
});

describe('lstmBias', () => {
  it('sets only the forget block to one', () => {
    expect(Array.from(lstmBias(2))).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });
});

describe('createSeededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first);
    for (const value of first) expect(value >= 0 && value < 1).toBe(true);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const random = createSeededRandom(7);
    const draws = Array.from({ length: 20_000 }, () => random.normal());
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffles into a permutation', () => {
    const values = Int32Array.from({ length: 100 }, (_, k) => k);
    shuffleInPlace(values, createSeededRandom(9));
    expect(Array.from(values)).not.toEqual(Array.from({ length: 100 }, (_, k) => k));
    expect(Array.from(values).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, k) => k));
  });
});
