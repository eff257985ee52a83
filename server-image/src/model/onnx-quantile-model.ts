import * as ort from 'onnxruntime-node';
import { FEATURE_COUNT } from '../../../core/features.ts';
import type { ArtifactManifest } from '../../../core/manifest.ts';

/** The forecaster's ONNX graph as the service uses it: raw feature windows in, quantile log-returns out. */
export interface QuantileModel {
  readonly window: number;
  readonly featureCount: number;
  readonly horizon: number;
  readonly quantileCount: number;
  /** Run `batch` windows laid end to end ([batch, window, F]); returns [batch, horizon, Q] row-major. */
  run(features: Float32Array, batch: number): Promise<Float32Array>;
  /** Free the native session. */
  release(): Promise<void>;
}

/** The graph does not have the inputs and outputs the manifest promises: the artifact cannot be served. */
export class ModelShapeError extends Error {
  override readonly name = 'ModelShapeError';
}

/** Options of {@link loadOnnxQuantileModel}. */
export interface OnnxModelOptions {
  /** onnxruntime intra-op threads; 1 keeps inference on the calling thread. */
  readonly threads: number;
}

/**
 * Create an onnxruntime session for model.onnx and check that its input and output match the manifest
 * ([batch, window, F] → [batch, horizon, Q]); a mismatch is a ModelShapeError.
 */
export async function loadOnnxQuantileModel(modelOnnx: Uint8Array, manifest: ArtifactManifest, options: OnnxModelOptions): Promise<QuantileModel> {
  const session = await ort.InferenceSession.create(modelOnnx, {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // Spinning worker threads would burn the CPU the HTTP side needs between inferences.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const window = manifest.window;
  const horizon = manifest.horizon;
  const quantileCount = manifest.quantiles.length;
  const inputName = manifest.io.input;
  const outputName = manifest.io.output;
  try {
    checkValue(session.inputNames, session.inputMetadata, inputName, [window, FEATURE_COUNT], 'input');
    checkValue(session.outputNames, session.outputMetadata, outputName, [horizon, quantileCount], 'output');
  } catch (error) {
    await session.release();
    throw error;
  }
  const expectedOutput = horizon * quantileCount;

  return {
    window,
    featureCount: FEATURE_COUNT,
    horizon,
    quantileCount,
    async run(features, batch) {
      const input = new ort.Tensor('float32', features, [batch, window, FEATURE_COUNT]);
      const results = await session.run({ [inputName]: input }, [outputName]);
      const output = results[outputName];
      if (output === undefined || !(output.data instanceof Float32Array) || output.data.length !== batch * expectedOutput) {
        throw new ModelShapeError(`model output "${outputName}" is not float32 [${batch}, ${horizon}, ${quantileCount}]`);
      }
      return output.data;
    },
    release: () => session.release(),
  };
}

function checkValue(
  names: readonly string[],
  metadata: readonly ort.InferenceSession.ValueMetadata[],
  name: string,
  trailing: readonly number[],
  role: 'input' | 'output',
): void {
  const index = names.indexOf(name);
  if (index < 0) throw new ModelShapeError(`model.onnx has no ${role} "${name}" (it has ${names.join(', ') || 'none'})`);
  const value = metadata[index];
  if (value === undefined || !value.isTensor) throw new ModelShapeError(`model.onnx ${role} "${name}" is not a tensor`);
  if (value.type !== 'float32') throw new ModelShapeError(`model.onnx ${role} "${name}" is ${value.type}, expected float32`);
  const shape = value.shape;
  // The batch dimension is symbolic; the others must equal what the manifest says.
  const fixed = shape.slice(1);
  const matches = shape.length === trailing.length + 1 && fixed.every((dim, i) => dim === trailing[i]);
  if (!matches) {
    throw new ModelShapeError(`model.onnx ${role} "${name}" has shape [${shape.join(', ')}], the manifest says [batch, ${trailing.join(', ')}]`);
  }
}
