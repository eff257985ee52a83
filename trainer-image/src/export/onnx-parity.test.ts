import { describe, expect, it } from 'vitest';
import { exportQuantileLstmToOnnx } from './onnx-export.ts';
import { checkOnnxParity, OnnxParityError } from './onnx-parity.ts';
import { forwardQuantileLstmReference } from '../model/test-support/reference-forward.ts';
import { randomQuantileLstmWeights, randomRawFeatures } from './test-support/random-quantile-lstm.ts';

const weights = randomQuantileLstmWeights(
  { inputSize: 4, units: 5, window: 6, horizon: 3, layers: 2, quantiles: [0.1, 0.5, 0.9] },
  31,
);
const onnxBytes = exportQuantileLstmToOnnx(weights, { producerVersion: 'test' });
const batch = 17;
const xRaw = randomRawFeatures(weights, batch, 32);
const reference = forwardQuantileLstmReference(weights, xRaw);
const sessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

function perturbed(index: number, delta: number): Float32Array {
  const copy = reference.slice();
  copy[index]! += delta;
  return copy;
}

describe('checkOnnxParity', () => {
  it('passes against the reference predictions and counts every element, across uneven chunks', async () => {
    // Chunks of 5 leave a last chunk of 2, so the chunk offsets into xRaw and expected are exercised.
    const result = await checkOnnxParity({ onnxBytes, xRaw, batch, expected: reference, chunkSize: 5, sessionOptions });
    expect(result.checked).toBe(batch * 3 * 3);
    expect(result.maxAbsDiff).toBeLessThan(1e-5);
  });

  it('names the worst element, its difference and the tolerance when an element is off', async () => {
    // Index 100 is sample 11, element 1; a smaller error elsewhere must not be reported as the worst.
    const expected = perturbed(100, 2e-3);
    expected[7]! += 5e-4;
    const failure = checkOnnxParity({ onnxBytes, xRaw, batch, expected, chunkSize: 4, sessionOptions });
    await expect(failure).rejects.toThrow(OnnxParityError);
    await expect(failure).rejects.toThrow(/max abs diff 0\.00\d+ exceeds tolerance 0\.0001 at index 100 \(sample 11, element 1/);
    const error = (await failure.catch((e: unknown) => e)) as OnnxParityError;
    expect(error.worstIndex).toBe(100);
    expect(error.tolerance).toBe(1e-4);
    expect(error.maxAbsDiff).toBeCloseTo(2e-3, 5);
  });

  it('accepts a difference inside the tolerance and honours a custom tolerance', async () => {
    const expected = perturbed(40, 5e-5);
    const result = await checkOnnxParity({ onnxBytes, xRaw, batch, expected, sessionOptions });
    expect(result.maxAbsDiff).toBeGreaterThan(4e-5);
    expect(result.maxAbsDiff).toBeLessThan(6e-5);
    await expect(checkOnnxParity({ onnxBytes, xRaw, batch, expected, tolerance: 1e-5, sessionOptions })).rejects.toThrow(
      /at index 40 /,
    );
  });

  it('never lets a NaN pass', async () => {
    const expected = perturbed(0, Number.NaN);
    await expect(checkOnnxParity({ onnxBytes, xRaw, batch, expected, tolerance: 1e9, sessionOptions })).rejects.toThrow(
      /max abs diff Infinity exceeds tolerance 1000000000 at index 0 /,
    );
  });

  it('rejects inputs whose sizes do not fit the batch or the model', async () => {
    await expect(checkOnnxParity({ onnxBytes, xRaw: xRaw.subarray(1), batch, expected: reference })).rejects.toThrow(
      /xRaw has 407 values, not a positive multiple of batch 17/,
    );
    await expect(checkOnnxParity({ onnxBytes, xRaw, batch: 0, expected: reference })).rejects.toThrow(/batch must be a positive integer/);
    // 17 samples of 24 values read as 34 samples of 12: the model takes [6, 4] = 24 per sample.
    await expect(checkOnnxParity({ onnxBytes, xRaw, batch: 34, expected: new Float32Array(306) })).rejects.toThrow(
      /xRaw holds 12 values per sample, the model takes \[6, 4\]/,
    );
    await expect(checkOnnxParity({ onnxBytes, xRaw, batch, expected: reference.subarray(0, 136) })).rejects.toThrow(
      /not float32 with 8 values per sample/,
    );
  });
});
