import { describe, expect, it } from 'vitest';
import { toOnnxLstmTensors } from './onnx-lstm-weights.ts';

describe('toOnnxLstmTensors', () => {
  it('transposes the kernels and reorders gate blocks from [i, f, g, o] to [i, o, f, c]', () => {
    // inputSize 2, units 1: kernel rows are input features, columns the gates i, f, g, o.
    const tensors = toOnnxLstmTensors(
      {
        kernel: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8),
        recurrent: Float32Array.of(9, 10, 11, 12),
        bias: Float32Array.of(13, 14, 15, 16),
      },
      2,
      1,
    );
    expect(Array.from(tensors.W)).toEqual([1, 5, 4, 8, 2, 6, 3, 7]);
    expect(Array.from(tensors.R)).toEqual([9, 12, 10, 11]);
    expect(Array.from(tensors.B)).toEqual([13, 16, 14, 15, 0, 0, 0, 0]);
  });

  it('moves whole blocks of units when a layer has several units', () => {
    // inputSize 1, units 2: columns are i0 i1 f0 f1 g0 g1 o0 o1.
    const tensors = toOnnxLstmTensors(
      {
        kernel: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8),
        recurrent: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18),
        bias: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      },
      1,
      2,
    );
    expect(Array.from(tensors.W)).toEqual([1, 2, 7, 8, 3, 4, 5, 6]);
    expect(Array.from(tensors.R)).toEqual([1, 11, 2, 12, 7, 17, 8, 18, 3, 13, 4, 14, 5, 15, 6, 16]);
    expect(Array.from(tensors.B)).toEqual([1, 2, 7, 8, 3, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
