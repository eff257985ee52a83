import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/http-error.ts';
import { parseInferRequest, type TensorContract } from './infer-request.ts';

const contract: TensorContract = { inputName: 'features', outputName: 'quantiles', window: 2, featureCount: 3, maxBatch: 4 };
const input = (overrides: Record<string, unknown> = {}) => ({ name: 'features', datatype: 'FP32', shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6], ...overrides });

function refusal(body: unknown): string {
  try {
    parseInferRequest(body, contract);
  } catch (error) {
    if (error instanceof HttpError && error.status === 400) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseInferRequest', () => {
  it('reads flat and nested FP32 data row-major', () => {
    const flat = parseInferRequest({ id: 'r1', inputs: [input()] }, contract);
    expect(flat).toEqual({ id: 'r1', features: Float32Array.from([1, 2, 3, 4, 5, 6]), samples: 1 });
    const nested = parseInferRequest({ inputs: [input({ shape: [2, 2, 3], data: [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]] })] }, contract);
    expect(Array.from(nested.features)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(nested.samples).toBe(2);
    expect(parseInferRequest({ inputs: [input()], outputs: [{ name: 'quantiles' }] }, contract).samples).toBe(1);
    // The largest float32, and a double that rounds to it, are in range.
    const edge = parseInferRequest({ inputs: [input({ data: [3.4028234663852886e38, 3.4028235e38, -3.4028235e38, 1e-50, 5, 6] })] }, contract);
    expect(Array.from(edge.features.subarray(0, 4))).toEqual([3.4028234663852886e38, 3.4028234663852886e38, -3.4028234663852886e38, 0]);
  });

  it('refuses what the model cannot take, naming the field', () => {
    expect(refusal({})).toBe('inputs: is required');
    expect(refusal({ inputs: [] })).toMatch(/^inputs: /);
    expect(refusal({ inputs: [input(), input()] })).toMatch(/^inputs: the model takes one input/);
    expect(refusal({ inputs: [input({ name: 'x' })] })).toBe('inputs[0].name: the model has no input "x"; its input is "features"');
    expect(refusal({ inputs: [input({ datatype: 'INT64' })] })).toBe('inputs[0].datatype: must be FP32, got INT64');
    expect(refusal({ inputs: [input({ shape: [1, 3, 2] })] })).toBe('inputs[0].shape: must be [n, 2, 3], got [1, 3, 2]');
    expect(refusal({ inputs: [input({ shape: [5, 2, 3] })] })).toMatch(/^inputs\[0\]\.shape: batch size must be between 1 and 4/);
    expect(refusal({ inputs: [input({ shape: [1.5, 2, 3] })] })).toMatch(/^inputs\[0\]\.shape\[0\]: /);
    expect(refusal({ inputs: [input({ data: [1, 2, 3, 4, 5] })] })).toBe('inputs[0].data: holds 5 values, its shape [1, 2, 3] calls for 6');
    expect(refusal({ inputs: [input({ data: [1, 2, 3, 4, 5, 6, 7] })] })).toMatch(/^inputs\[0\]\.data: holds more than the 6 values/);
    expect(refusal({ inputs: [input({ data: [1, 2, 'x', 4, 5, 6] })] })).toBe('inputs[0].data[2]: must be a number (FP32 tensor data)');
    expect(refusal({ inputs: [input({ data: [[[1, 2, [3]], [4, 5, 6]]] })] })).toMatch(/^inputs\[0\]\.data\[0\]\[0\]\[2\]: is nested deeper/);
    expect(refusal({ inputs: [input({ data: [[[1]], 2, 3, 4, 5, 6] })] })).toBe('inputs[0].data: holds 6 entries where the shape [1, 2, 3] calls for 1');
    expect(refusal({ inputs: [input({ data: [[[1, 2, 3], [4, 5]]] })] })).toBe('inputs[0].data[0][1]: holds 2 entries where the shape [1, 2, 3] calls for 3');
    expect(refusal({ inputs: [input({ data: [[1, 2, 3, 4, 5, 6]] })] })).toBe('inputs[0].data[0]: holds 6 entries where the shape [1, 2, 3] calls for 2');
    expect(refusal({ inputs: [input({ data: [[[1, 2, 3], 4]] })] })).toMatch(/^inputs\[0\]\.data\[0\]\[1\]: must be an array: nested data nests all 3 dimensions/);
    expect(refusal({ inputs: [input({ data: [1, 2, 3, 4, 5, 1e39] })] })).toBe('inputs[0].data[5]: 1e+39 is outside the FP32 range (magnitude at most 3.4028234663852886e+38)');
    expect(refusal({ inputs: [input({ data: [[[1, 2, 3], [4, 5, -3.5e38]]] })] })).toMatch(/^inputs\[0\]\.data\[0\]\[1\]\[2\]: -3\.5e\+38 is outside the FP32 range/);
    expect(refusal({ inputs: [input()], outputs: [{ name: 'logits' }] })).toMatch(/^outputs\[0\]\.name: the model has no output "logits"/);
  });
});
