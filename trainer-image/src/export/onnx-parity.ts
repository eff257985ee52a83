import * as ort from 'onnxruntime-node';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from '../../../core/manifest.ts';

/** Samples per onnxruntime run: bounds memory on long test splits without many tiny runs. */
const DEFAULT_CHUNK_SIZE = 256;

/** The exported model disagrees with the predictions it was checked against. */
export class OnnxParityError extends Error {
  override readonly name = 'OnnxParityError';
  readonly maxAbsDiff: number;
  readonly tolerance: number;
  /** Flat index into `expected` of the worst element. */
  readonly worstIndex: number;

  constructor(maxAbsDiff: number, tolerance: number, worstIndex: number, detail: string) {
    super(`ONNX parity failed: max abs diff ${maxAbsDiff} exceeds tolerance ${tolerance} at index ${worstIndex} (${detail})`);
    this.maxAbsDiff = maxAbsDiff;
    this.tolerance = tolerance;
    this.worstIndex = worstIndex;
  }
}

/** Input of checkOnnxParity. */
export interface OnnxParityOptions {
  /** Serialised model, as exportQuantileLstmToOnnx returns it. */
  readonly onnxBytes: Uint8Array;
  /** Raw features [batch, window, F] row-major. */
  readonly xRaw: Float32Array;
  readonly batch: number;
  /** Reference predictions [batch, horizon, Q] row-major (e.g. TensorFlow.js's output). */
  readonly expected: Float32Array;
  /** Largest accepted absolute difference per element; default 1e-4. */
  readonly tolerance?: number;
  readonly sessionOptions?: ort.InferenceSession.SessionOptions;
  /** Samples per onnxruntime run; default 256. */
  readonly chunkSize?: number;
}

/** Outcome of a passed parity check. */
export interface OnnxParityResult {
  readonly maxAbsDiff: number;
  /** Number of output elements compared. */
  readonly checked: number;
}

/**
 * Run the model with onnxruntime-node on `xRaw` and compare every output element with `expected`.
 * Throws OnnxParityError when any element differs by more than the tolerance; a non-finite value on
 * either side never passes, so a model emitting NaN cannot be uploaded as "in parity".
 */
export async function checkOnnxParity(options: OnnxParityOptions): Promise<OnnxParityResult> {
  const { onnxBytes, xRaw, batch, expected, tolerance = 1e-4, chunkSize = DEFAULT_CHUNK_SIZE } = options;
  assertPositiveInteger('batch', batch);
  assertPositiveInteger('chunkSize', chunkSize);
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be >= 0, got ${tolerance}`);
  const inputPerSample = perSample('xRaw', xRaw.length, batch);
  const outputPerSample = perSample('expected', expected.length, batch);

  const session = await ort.InferenceSession.create(onnxBytes, options.sessionOptions ?? {});
  try {
    const [window, features] = fixedInputDims(session);
    if (window * features !== inputPerSample) {
      throw new RangeError(`xRaw holds ${inputPerSample} values per sample, the model takes [${window}, ${features}]`);
    }
    // The whole set is scanned before judging, so the error names the globally worst element.
    const worst = { diff: -1, index: 0, actual: Number.NaN };
    for (let start = 0; start < batch; start += chunkSize) {
      const count = Math.min(chunkSize, batch - start);
      const inputData = xRaw.subarray(start * inputPerSample, (start + count) * inputPerSample);
      const results = await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('float32', inputData, [count, window, features]) });
      const actual = results[ONNX_OUTPUT_NAME]?.data;
      if (!(actual instanceof Float32Array) || actual.length !== count * outputPerSample) {
        throw new RangeError(`ONNX output "${ONNX_OUTPUT_NAME}" is not float32 with ${outputPerSample} values per sample`);
      }
      const offset = start * outputPerSample;
      for (let i = 0; i < actual.length; i++) {
        const diff = absDiff(actual[i]!, expected[offset + i]!);
        if (diff > worst.diff) {
          worst.diff = diff;
          worst.index = offset + i;
          worst.actual = actual[i]!;
        }
      }
    }
    if (worst.diff > tolerance) {
      const position = `sample ${Math.floor(worst.index / outputPerSample)}, element ${worst.index % outputPerSample}`;
      throw new OnnxParityError(worst.diff, tolerance, worst.index, `${position}: onnx ${worst.actual}, expected ${expected[worst.index]}`);
    }
    return { maxAbsDiff: worst.diff, checked: expected.length };
  } finally {
    await session.release();
  }
}

/** Non-finite on either side counts as an infinite difference. */
function absDiff(actual: number, expected: number): number {
  const diff = Math.abs(actual - expected);
  return Number.isFinite(diff) ? diff : Number.POSITIVE_INFINITY;
}

function fixedInputDims(session: ort.InferenceSession): [number, number] {
  const input = session.inputMetadata.find((meta) => meta.name === ONNX_INPUT_NAME);
  if (input === undefined || !input.isTensor) {
    throw new RangeError(`model has no tensor input "${ONNX_INPUT_NAME}" (inputs: ${session.inputNames.join(', ')})`);
  }
  const [, window, features] = input.shape;
  if (input.shape.length !== 3 || typeof window !== 'number' || typeof features !== 'number') {
    throw new RangeError(`model input "${ONNX_INPUT_NAME}" must be [batch, window, F] with fixed window and F, got [${input.shape.join(', ')}]`);
  }
  return [window, features];
}

function perSample(field: string, length: number, batch: number): number {
  if (length === 0 || length % batch !== 0) {
    throw new RangeError(`${field} has ${length} values, not a positive multiple of batch ${batch}`);
  }
  return length / batch;
}

function assertPositiveInteger(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${field} must be a positive integer, got ${value}`);
}
