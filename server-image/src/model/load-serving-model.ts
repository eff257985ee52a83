import type { ArtifactStore } from '../../../core/artifact-store.ts';
import { readArtifact } from '../../../core/storage/artifact-io.ts';
import { UnsupportedArtifactError } from '../../../core/storage/manifest-validation.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import { loadOnnxQuantileModel, ModelShapeError } from './onnx-quantile-model.ts';
import { createServingModel, type BatchingOptions, type ServingModel } from './serving-model.ts';

/** Options of {@link loadServingModel}. */
export interface LoadServingModelOptions {
  readonly store: ArtifactStore;
  /** onnxruntime intra-op threads. */
  readonly threads: number;
  readonly batching: BatchingOptions;
  readonly metrics: Pick<ServerMetrics, 'inferenceDuration' | 'inferenceBatchSize'>;
}

/** The artifact can never be served by this build; retrying will not help. */
export class ArtifactRefusedError extends Error {
  override readonly name = 'ArtifactRefusedError';
}

/**
 * Read the artifact (manifest versions, schema and model sha256 are checked by readArtifact), create the
 * onnxruntime session and check its shapes. Artifacts this build does not understand raise
 * ArtifactRefusedError; storage failures propagate unchanged so the caller can retry them.
 */
export async function loadServingModel(options: LoadServingModelOptions): Promise<ServingModel> {
  let artifact: Awaited<ReturnType<typeof readArtifact>>;
  try {
    artifact = await readArtifact(options.store);
  } catch (error) {
    if (error instanceof UnsupportedArtifactError) throw new ArtifactRefusedError(error.message, { cause: error });
    throw error;
  }
  const { manifest, modelOnnx } = artifact;
  let model;
  try {
    model = await loadOnnxQuantileModel(modelOnnx, manifest, { threads: options.threads });
  } catch (error) {
    // The bytes passed their checksum, so a session that cannot be built is a property of the artifact.
    const reason = error instanceof ModelShapeError ? error.message : `onnxruntime cannot load model.onnx: ${(error as Error).message}`;
    throw new ArtifactRefusedError(`${reason} (${options.store.baseUri})`, { cause: error });
  }
  return createServingModel({ manifest, model, batching: options.batching, metrics: options.metrics });
}
