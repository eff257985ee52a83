import { createHash } from 'node:crypto';
import { FieldError } from '../errors.ts';
import { FEATURE_SPEC_VERSION } from '../features.ts';
import { ArtifactManifestSchema, MANIFEST_SCHEMA_VERSION, type ArtifactManifest } from '../manifest.ts';
import { firstProblem } from '../spec.ts';

/** An artifact this build cannot serve: unknown versions, an invalid manifest or a model that fails its checksum. */
export class UnsupportedArtifactError extends FieldError {
  override readonly name = 'UnsupportedArtifactError';
}

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Validate a parsed manifest.json. Versions are checked before the shape, so a manifest from a newer
 * trainer is reported as "unsupported version" rather than as a missing field.
 * `where` names the artifact in messages (its URI).
 */
export function parseArtifactManifest(value: unknown, where: string): ArtifactManifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnsupportedArtifactError(`manifest.json at ${where} is not a JSON object`);
  }
  const { schemaVersion, featureSpecVersion } = value as Record<string, unknown>;
  if (schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    throw new UnsupportedArtifactError(
      `manifest.json at ${where} has schemaVersion ${JSON.stringify(schemaVersion)}; this build reads schemaVersion ${MANIFEST_SCHEMA_VERSION}`,
      'schemaVersion',
    );
  }
  if (featureSpecVersion !== FEATURE_SPEC_VERSION) {
    throw new UnsupportedArtifactError(
      `manifest.json at ${where} has featureSpecVersion ${JSON.stringify(featureSpecVersion)}; this build computes featureSpecVersion ${FEATURE_SPEC_VERSION}`,
      'featureSpecVersion',
    );
  }
  const problem = firstProblem(ArtifactManifestSchema, value, 'manifest');
  if (problem) throw new UnsupportedArtifactError(`manifest.json at ${where} is invalid: ${problem.field} ${problem.message}`, problem.field);
  return value as ArtifactManifest;
}

/** Check that `modelOnnx` is the file the manifest describes (sha256, then size). */
export function checkModelMatchesManifest(modelOnnx: Uint8Array, manifest: ArtifactManifest, where: string): string {
  const sha256 = sha256Hex(modelOnnx);
  if (sha256 !== manifest.modelSha256) {
    throw new UnsupportedArtifactError(`model.onnx sha256 ${sha256} does not match manifest ${manifest.modelSha256} at ${where}`, 'modelSha256');
  }
  if (modelOnnx.byteLength !== manifest.modelBytes) {
    throw new UnsupportedArtifactError(`model.onnx has ${modelOnnx.byteLength} bytes but the manifest says ${manifest.modelBytes} at ${where}`, 'modelBytes');
  }
  return sha256;
}
