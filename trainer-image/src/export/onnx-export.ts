import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { IntervalFallback } from '../../../core/interval-fallback.ts';
import { ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from '../../../core/manifest.ts';
import { medianIndex, type QuantileLstmWeights } from '../../../core/model-weights.ts';
import { assertExportableWeights } from './exportable-weights.ts';
import { floatInitializer, floatTensorValueInfo, int64Initializer, onnxNode } from './onnx-proto-builders.ts';
import { toOnnxLstmTensors } from './onnx-lstm-weights.ts';
import { quantileOffsetMatrix } from './quantile-offset-matrix.ts';

/** ONNX IR version written into model.onnx (IR 8 = ONNX 1.10, the schema onnx-proto encodes). */
export const ONNX_IR_VERSION = 8;
/** Default-domain opset the graph uses: 15 (ONNX 1.10) gives LSTM-14 with its `layout` attribute. */
export const ONNX_OPSET_VERSION = 15;
/** producer_name recorded in every exported model. */
export const ONNX_PRODUCER_NAME = 'make-us-rich-trainer';
/** Symbolic name of the dynamic batch dimension of the graph input and output. */
export const ONNX_BATCH_DIM = 'batch';

/** Options of exportQuantileLstmToOnnx. */
export interface OnnxExportOptions {
  /** Trainer version, recorded as producer_version. */
  readonly producerVersion: string;
  /** Free text recorded as the model's doc_string (e.g. market and run name). */
  readonly docString?: string;
}

/**
 * Serialise the quantile LSTM as an ONNX ModelProto taking raw features [batch, window, F] and returning
 * cumulative log-return quantiles [batch, horizon, Q]; normalisation and target scaling live in the graph.
 */
export function exportQuantileLstmToOnnx(weights: QuantileLstmWeights, options: OnnxExportOptions): Uint8Array {
  assertExportableWeights(weights);
  const model: onnx.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET_VERSION }],
    producerName: ONNX_PRODUCER_NAME,
    producerVersion: options.producerVersion,
    docString: options.docString ?? '',
    graph: buildQuantileLstmGraph(weights),
  };
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

/** The blend of core/interval-fallback.ts as three [horizon, Q] tensors: w, 1 − w (0 at the median) and (1 − w)·c. */
function intervalFallbackTensors(fallback: IntervalFallback, horizon: number, quantileCount: number, median: number) {
  const weight = new Float32Array(horizon * quantileCount);
  const centreWeight = new Float32Array(horizon * quantileCount);
  const offset = new Float32Array(horizon * quantileCount);
  for (let h = 0; h < horizon; h++) {
    for (let q = 0; q < quantileCount; q++) {
      const k = h * quantileCount + q;
      const w = q === median ? 1 : fallback.modelWeight[h]!;
      weight[k] = w;
      centreWeight[k] = 1 - w;
      offset[k] = (1 - w) * fallback.naiveOffset[k]!;
    }
  }
  return { weight, centreWeight, offset };
}

function buildQuantileLstmGraph(weights: QuantileLstmWeights): onnx.IGraphProto {
  const { inputSize, units, window, horizon, quantiles } = weights;
  const quantileCount = quantiles.length;
  const median = medianIndex(quantiles);
  const initializers: onnx.ITensorProto[] = [
    floatInitializer('feature_mean', [inputSize], weights.featureMean),
    floatInitializer('feature_std', [inputSize], weights.featureStd),
    int64Initializer('axis_0', [0]),
    int64Initializer('axis_2', [2]),
  ];
  // Only stacked layers squeeze the direction axis of Y; onnxruntime warns about unused initializers.
  if (weights.layers.length > 1) initializers.push(int64Initializer('axis_1', [1]));
  const nodes: onnx.INodeProto[] = [
    onnxNode('Sub', 'normalise_centre', [ONNX_INPUT_NAME, 'feature_mean'], ['features_centred']),
    onnxNode('Div', 'normalise_scale', ['features_centred', 'feature_std'], ['features_normalised']),
    // ONNX LSTM with layout 0 wants [seq, batch, F]; the contract input is batch-major.
    onnxNode('Transpose', 'to_time_major', ['features_normalised'], ['sequence_0'], { perm: [1, 0, 2] }),
  ];

  let sequence = 'sequence_0';
  weights.layers.forEach((layer, l) => {
    const inDim = l === 0 ? inputSize : units;
    const tensors = toOnnxLstmTensors(layer, inDim, units);
    initializers.push(
      floatInitializer(`lstm_${l}_W`, [1, 4 * units, inDim], tensors.W),
      floatInitializer(`lstm_${l}_R`, [1, 4 * units, units], tensors.R),
      floatInitializer(`lstm_${l}_B`, [1, 8 * units], tensors.B),
    );
    const inputs = [sequence, `lstm_${l}_W`, `lstm_${l}_R`, `lstm_${l}_B`];
    const attributes = { hidden_size: units, layout: 0 };
    if (l < weights.layers.length - 1) {
      // Y is [seq, num_directions = 1, batch, units]; drop the direction axis to feed the next layer.
      nodes.push(onnxNode('LSTM', `lstm_${l}`, inputs, [`lstm_${l}_Y`], attributes));
      nodes.push(onnxNode('Squeeze', `lstm_${l}_drop_direction`, [`lstm_${l}_Y`, 'axis_1'], [`sequence_${l + 1}`]));
      sequence = `sequence_${l + 1}`;
    } else {
      // Only the last hidden state feeds the head: Y_h is [num_directions = 1, batch, units].
      nodes.push(onnxNode('LSTM', `lstm_${l}`, inputs, ['', `lstm_${l}_Y_h`], attributes));
      nodes.push(onnxNode('Squeeze', `lstm_${l}_drop_direction`, [`lstm_${l}_Y_h`, 'axis_0'], ['last_hidden']));
    }
  });

  initializers.push(
    floatInitializer('head_kernel', [units, horizon * quantileCount], weights.head.kernel),
    floatInitializer('head_bias', [horizon * quantileCount], weights.head.bias),
    // 0 copies the batch dimension from the input (allowzero = 0), so batch stays dynamic.
    int64Initializer('head_shape', [0, horizon, quantileCount]),
    floatInitializer('quantile_offset_matrix', [quantileCount, quantileCount], quantileOffsetMatrix(quantileCount, median)),
    int64Initializer('median_start', [median]),
    int64Initializer('median_end', [median + 1]),
    floatInitializer('target_scale', [1, horizon, 1], weights.targetScale),
  );
  nodes.push(
    onnxNode('MatMul', 'head_matmul', ['last_hidden', 'head_kernel'], ['head_product']),
    onnxNode('Add', 'head_add_bias', ['head_product', 'head_bias'], ['head_flat']),
    onnxNode('Reshape', 'head_to_steps', ['head_flat', 'head_shape'], ['head_raw']),
    onnxNode('Softplus', 'quantile_gaps', ['head_raw'], ['quantile_gap']),
    onnxNode('MatMul', 'quantile_cumulate', ['quantile_gap', 'quantile_offset_matrix'], ['quantile_offset']),
    onnxNode('Slice', 'median_select', ['head_raw', 'median_start', 'median_end', 'axis_2'], ['median']),
    onnxNode('Add', 'quantiles_around_median', ['median', 'quantile_offset'], ['quantiles_scaled']),
    onnxNode('Mul', 'unscale_target', ['quantiles_scaled', 'target_scale'], [weights.intervalFallback ? 'quantiles_network' : ONNX_OUTPUT_NAME]),
  );
  if (weights.intervalFallback) {
    const blend = intervalFallbackTensors(weights.intervalFallback, horizon, quantileCount, median);
    initializers.push(
      floatInitializer('fallback_weight', [1, horizon, quantileCount], blend.weight),
      floatInitializer('fallback_centre_weight', [1, horizon, quantileCount], blend.centreWeight),
      floatInitializer('fallback_offset', [1, horizon, quantileCount], blend.offset),
    );
    // y' = w·y + (1 − w)·y[median] + (1 − w)·c per quantile; w is 1 at the median, so it stays put.
    nodes.push(
      onnxNode('Slice', 'fallback_median', ['quantiles_network', 'median_start', 'median_end', 'axis_2'], ['median_log_return']),
      onnxNode('Mul', 'fallback_keep', ['quantiles_network', 'fallback_weight'], ['quantiles_kept']),
      onnxNode('Mul', 'fallback_centre', ['median_log_return', 'fallback_centre_weight'], ['quantiles_centre']),
      onnxNode('Add', 'fallback_recentre', ['quantiles_kept', 'quantiles_centre'], ['quantiles_recentred']),
      onnxNode('Add', 'fallback_naive', ['quantiles_recentred', 'fallback_offset'], [ONNX_OUTPUT_NAME]),
    );
  }

  return {
    name: 'quantile_lstm',
    docString: `LSTM x${weights.layers.length} (${units} units), window ${window}, horizon ${horizon}, quantiles ${quantiles.join(', ')}`,
    input: [floatTensorValueInfo(ONNX_INPUT_NAME, [ONNX_BATCH_DIM, window, inputSize])],
    output: [floatTensorValueInfo(ONNX_OUTPUT_NAME, [ONNX_BATCH_DIM, horizon, quantileCount])],
    initializer: initializers,
    node: nodes,
  };
}
