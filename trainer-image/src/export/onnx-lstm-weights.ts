import type { LstmLayerWeights } from '../../../core/model-weights.ts';

/**
 * For each ONNX gate block (ONNX order i, o, f, c) the index of the same gate in our weights
 * (Keras order i, f, g, o, where g is ONNX's cell gate c).
 */
const SOURCE_BLOCK_OF_ONNX_GATE = [0, 3, 1, 2] as const;

/** One layer's weights in the layout of the ONNX LSTM operator's W, R and B inputs (one direction). */
export interface OnnxLstmTensors {
  /** [1, 4·units, inputSize] row-major. */
  readonly W: Float32Array;
  /** [1, 4·units, units] row-major. */
  readonly R: Float32Array;
  /** [1, 8·units]: the input bias Wb followed by the recurrent bias Rb, which stays zero (Keras has one bias). */
  readonly B: Float32Array;
}

/** Convert one layer from our [in, 4U] kernels with [i, f, g, o] blocks to ONNX's transposed [i, o, f, c] layout. */
export function toOnnxLstmTensors(layer: LstmLayerWeights, inputSize: number, units: number): OnnxLstmTensors {
  const B = new Float32Array(8 * units);
  B.set(reorderGateBlocks(layer.bias, units));
  return {
    W: transposeWithOnnxGateOrder(layer.kernel, inputSize, units),
    R: transposeWithOnnxGateOrder(layer.recurrent, units, units),
    B,
  };
}

/** [rows, 4U] with [i, f, g, o] column blocks → [4U, rows] with [i, o, f, c] row blocks. */
function transposeWithOnnxGateOrder(matrix: Float32Array, rows: number, units: number): Float32Array {
  const gates = 4 * units;
  const out = new Float32Array(gates * rows);
  SOURCE_BLOCK_OF_ONNX_GATE.forEach((sourceBlock, onnxBlock) => {
    for (let u = 0; u < units; u++) {
      const outRow = onnxBlock * units + u;
      const sourceColumn = sourceBlock * units + u;
      for (let r = 0; r < rows; r++) out[outRow * rows + r] = matrix[r * gates + sourceColumn]!;
    }
  });
  return out;
}

function reorderGateBlocks(vector: Float32Array, units: number): Float32Array {
  const out = new Float32Array(4 * units);
  SOURCE_BLOCK_OF_ONNX_GATE.forEach((sourceBlock, onnxBlock) => {
    out.set(vector.subarray(sourceBlock * units, (sourceBlock + 1) * units), onnxBlock * units);
  });
  return out;
}
