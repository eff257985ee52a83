import type { SeededRandom } from './seeded-random.ts';

/** Glorot (Xavier) uniform [fanIn, fanOut] row-major: the Keras default for LSTM and dense kernels. */
export function glorotUniform(fanIn: number, fanOut: number, random: SeededRandom): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (2 * random.next() - 1) * limit;
  return values;
}

/**
 * A [rows, cols] row-major matrix with orthonormal rows (rows ≤ cols) or columns (rows > cols): the Keras
 * default for recurrent kernels, which keeps early gradients from exploding or vanishing through time.
 * Modified Gram–Schmidt on Gaussian vectors gives the same distribution as QR of a Gaussian matrix.
 */
export function orthogonal(rows: number, cols: number, random: SeededRandom): Float32Array {
  const count = Math.min(rows, cols);
  const length = Math.max(rows, cols);
  const vectors: Float64Array[] = [];
  while (vectors.length < count) {
    const v = Float64Array.from({ length }, () => random.normal());
    for (const u of vectors) {
      let dot = 0;
      for (let k = 0; k < length; k++) dot += v[k]! * u[k]!;
      for (let k = 0; k < length; k++) v[k] = v[k]! - dot * u[k]!;
    }
    let norm = 0;
    for (let k = 0; k < length; k++) norm += v[k]! * v[k]!;
    norm = Math.sqrt(norm);
    // A numerically dependent draw is simply redrawn; with Gaussian vectors this practically never happens.
    if (norm < 1e-6) continue;
    for (let k = 0; k < length; k++) v[k] = v[k]! / norm;
    vectors.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = rows <= cols ? vectors[r]![c]! : vectors[c]![r]!;
    }
  }
  return out;
}

/** LSTM bias [4·units], gates [i, f, g, o]: zero except the forget gate at 1, so memory is kept at the start. */
export function lstmBias(units: number): Float32Array {
  const bias = new Float32Array(4 * units);
  bias.fill(1, units, 2 * units);
  return bias;
}
