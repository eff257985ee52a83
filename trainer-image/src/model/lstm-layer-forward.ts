import * as tf from '@tensorflow/tfjs';

/** One LSTM layer's parameters, gate blocks [i, f, g, o] along the 4·units axis (core/model-weights.ts). */
export interface LstmLayerTensors {
  /** [inDim, 4·units] */
  readonly kernel: tf.Tensor2D;
  /** [units, 4·units] */
  readonly recurrent: tf.Tensor2D;
  /** [4·units] */
  readonly bias: tf.Tensor1D;
}

/**
 * A layer's weights rearranged for the step loop. Everything runs feature-major ([features, batch] per step):
 * concatenating [x_t; h_{t-1}; 1] along axis 0 is then a plain copy (a column concat costs a copy per row),
 * and the bias rides along as the last weight column. The candidate block is doubled because
 * tanh(z) = 2·sigmoid(2z) − 1: every gate then comes out of a matMul fused with a sigmoid.
 */
export interface GateRows {
  readonly inputSize: number;
  readonly units: number;
  /** Per gate [1, units, inDim + units + 1]: that gate's rows of [W; U; b]ᵀ, candidate rows doubled. */
  readonly rows: readonly tf.Tensor3D[];
}

/**
 * What one layer's forward pass keeps for its backward pass, one [·, batch] tensor per time step. The cell
 * is carried doubled (c2 = 2c) so tanh(c) = 2·sigmoid(c2) − 1 needs no tanh kernel (5× slower than sigmoid
 * on wasm); the backward pass folds the factors of two into its weights.
 */
export interface LstmLayerTrace {
  /** [x_t; h_{t-1}; 1], [inDim + units + 1, batch] */
  readonly stacked: tf.Tensor2D[];
  readonly input: tf.Tensor2D[];
  readonly forget: tf.Tensor2D[];
  /** sigmoid(2·z_g), the candidate gate's matMul output */
  readonly candidateSigmoid: tf.Tensor2D[];
  /** 2g = 2·tanh(z_g) */
  readonly doubledCandidate: tf.Tensor2D[];
  readonly output: tf.Tensor2D[];
  /** 2c */
  readonly doubledCell: tf.Tensor2D[];
  readonly cellTanh: tf.Tensor2D[];
}

/** An empty trace to fill. */
export function emptyTrace(): LstmLayerTrace {
  return { stacked: [], input: [], forget: [], candidateSigmoid: [], doubledCandidate: [], output: [], doubledCell: [], cellTanh: [] };
}

/** A per-gate-block scale [s_i…, s_f…, s_g…, s_o…] over the 4·units axis. */
export function gateBlockScale(units: number, blocks: readonly [number, number, number, number]): tf.Tensor1D {
  const scale = new Float32Array(4 * units);
  blocks.forEach((value, block) => scale.fill(value, block * units, (block + 1) * units));
  return tf.tensor1d(scale);
}

/** Builds the step-loop form of a layer's weights (a handful of ops, once per forward pass). */
export function gateRows(layer: LstmLayerTensors): GateRows {
  return tf.tidy(() => {
    const [inputSize, fourUnits] = layer.kernel.shape;
    const units = fourUnits / 4;
    const all = tf.concat([layer.kernel, layer.recurrent, tf.reshape(layer.bias, [1, fourUnits])], 0);
    const doubled = tf.transpose(tf.mul(all, gateBlockScale(units, [1, 1, 2, 1])));
    const rows = tf.split(doubled, 4, 0).map((block) => tf.reshape(block, [1, units, inputSize + units + 1]) as tf.Tensor3D);
    return { inputSize, units, rows };
  });
}

/**
 * sigmoid(rows · stacked) as ONE kernel. Called through the engine because the public fused op refuses to
 * fuse an activation while a gradient is being recorded; that is safe here because the custom gradient
 * supplies the backward pass and ops inside its forward are never taped.
 */
function sigmoidMatMul(rows: tf.Tensor3D, stacked: tf.Tensor3D): tf.Tensor2D {
  const [, units] = rows.shape;
  const batch = stacked.shape[2];
  if (tf.getKernel('_FusedMatMul', tf.getBackend()) === undefined) {
    return tf.reshape(tf.sigmoid(tf.matMul(rows, stacked)), [units, batch]);
  }
  const attrs = { transposeA: false, transposeB: false, activation: 'sigmoid' };
  const out = tf.engine().runKernel('_FusedMatMul', { a: rows, b: stacked }, attrs) as tf.Tensor;
  return tf.reshape(out, [units, batch]);
}

/** Everything one time step computes, [·, batch] each. */
interface StepState {
  readonly stacked: tf.Tensor2D;
  readonly input: tf.Tensor2D;
  readonly forget: tf.Tensor2D;
  readonly candidateSigmoid: tf.Tensor2D;
  readonly doubledCandidate: tf.Tensor2D;
  readonly output: tf.Tensor2D;
  readonly doubledCell: tf.Tensor2D;
  readonly cellTanh: tf.Tensor2D;
  readonly hidden: tf.Tensor2D;
}

/** Constants every step uses, made once per layer rather than once per op. */
interface StepConstants {
  readonly onesRow: tf.Tensor2D;
  readonly one: tf.Scalar;
  readonly two: tf.Scalar;
  readonly four: tf.Scalar;
}

function lstmStep(x: tf.Tensor2D, h: tf.Tensor2D, c2: tf.Tensor2D | undefined, layer: GateRows, constants: StepConstants): StepState {
  const batch = x.shape[1];
  const stacked = tf.concat([x, h, constants.onesRow], 0);
  const stacked3 = tf.reshape(stacked, [1, layer.inputSize + layer.units + 1, batch]) as tf.Tensor3D;
  const [input, forget, candidateSigmoid, output] = layer.rows.map((rows) => sigmoidMatMul(rows, stacked3)) as [
    tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D,
  ];
  // 2g = 2·(2·sigmoid(2z) − 1); c2 = f·c2 + i·2g; tanh(c) = 2·sigmoid(c2) − 1.
  const doubledCandidate = tf.sub(tf.mul(candidateSigmoid, constants.four), constants.two) as tf.Tensor2D;
  const inflow = tf.mul(input, doubledCandidate) as tf.Tensor2D;
  const doubledCell = c2 === undefined ? inflow : (tf.add(tf.mul(forget, c2), inflow) as tf.Tensor2D);
  const cellTanh = tf.sub(tf.mul(tf.sigmoid(doubledCell), constants.two), constants.one) as tf.Tensor2D;
  const hidden = tf.mul(output, cellTanh) as tf.Tensor2D;
  return { stacked, input, forget, candidateSigmoid, doubledCandidate, output, doubledCell, cellTanh, hidden };
}

/**
 * Runs one layer over the sequence, given and returning one [features, batch] tensor per time step (slicing
 * steps out of one big tensor would copy the whole source on wasm for every slice). Fills `trace` if given;
 * without one, each step's temporaries are freed at once so long inference batches stay small.
 */
export function forwardLayer(steps: readonly tf.Tensor2D[], layer: GateRows, trace: LstmLayerTrace | undefined): tf.Tensor2D[] {
  const batch = steps[0]!.shape[1];
  const constants: StepConstants = { onesRow: tf.ones([1, batch]), one: tf.scalar(1), two: tf.scalar(2), four: tf.scalar(4) };
  const initialHidden = tf.zeros([layer.units, batch]) as tf.Tensor2D;
  let h = initialHidden;
  let c2: tf.Tensor2D | undefined;
  const outputs: tf.Tensor2D[] = [];
  for (const x of steps) {
    if (trace) {
      const state = lstmStep(x, h, c2, layer, constants);
      for (const key of Object.keys(trace) as (keyof LstmLayerTrace)[]) trace[key].push(state[key]);
      ({ hidden: h, doubledCell: c2 } = state);
    } else {
      const previousCell = c2;
      const state = tf.tidy(() => {
        const { hidden, doubledCell } = lstmStep(x, h, c2, layer, constants);
        return { hidden, doubledCell };
      });
      previousCell?.dispose();
      ({ hidden: h, doubledCell: c2 } = state);
    }
    outputs.push(h);
  }
  if (!trace) {
    c2?.dispose();
    initialHidden.dispose();
  }
  tf.dispose(Object.values(constants));
  return outputs;
}
