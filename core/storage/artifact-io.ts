import { ArtifactNotFoundError, type ArtifactStore } from '../artifact-store.ts';
import { ARTIFACT_FILES, type ArtifactManifest } from '../manifest.ts';
import { checkModelMatchesManifest, parseArtifactManifest, UnsupportedArtifactError } from './manifest-validation.ts';

/** Raised by writeArtifact when the run folder already holds a finished artifact. */
export class ArtifactExistsError extends Error {
  override readonly name = 'ArtifactExistsError';
}

/** The three files of a finished training run. */
export interface ArtifactContents {
  readonly modelOnnx: Uint8Array;
  /** Test-split predictions and metrics; written as JSON. */
  readonly backtest: unknown;
  readonly manifest: ArtifactManifest;
}

/** Options of {@link writeArtifact}. */
export interface WriteArtifactOptions {
  /** Replace a finished artifact in the same folder (its files are removed first); default false. */
  readonly overwrite?: boolean;
}

/** Where an artifact was written and the sha256 of its model.onnx. */
export interface WrittenArtifact {
  readonly uri: string;
  readonly sha256: string;
}

/**
 * Write model.onnx, backtest.json and, last, manifest.json, so a run that fails midway never looks finished.
 * The manifest must describe these model bytes and pass the same checks readers apply.
 */
export async function writeArtifact(store: ArtifactStore, contents: ArtifactContents, options: WriteArtifactOptions = {}): Promise<WrittenArtifact> {
  const where = store.baseUri;
  let sha256: string;
  try {
    const manifest = parseArtifactManifest(JSON.parse(JSON.stringify(contents.manifest)), where);
    sha256 = checkModelMatchesManifest(contents.modelOnnx, manifest, where);
  } catch (error) {
    throw new Error(`refusing to write ${where}, readers would reject it: ${(error as Error).message}`, { cause: error });
  }
  const backtestJson = JSON.stringify(contents.backtest);
  if (backtestJson === undefined) throw new Error(`backtest for ${where} is not serialisable as JSON`);

  if (await store.exists(ARTIFACT_FILES.manifest)) {
    if (!options.overwrite) throw new ArtifactExistsError(`${where} already holds a finished artifact (manifest.json); a run folder is never rewritten`);
    // Removing the old files first keeps the rule that a folder without a new manifest is unfinished.
    await store.removeAll();
  }
  await store.put(ARTIFACT_FILES.model, contents.modelOnnx, 'application/octet-stream');
  await store.put(ARTIFACT_FILES.backtest, new TextEncoder().encode(backtestJson), 'application/json');
  await store.put(ARTIFACT_FILES.manifest, new TextEncoder().encode(`${JSON.stringify(contents.manifest, null, 2)}\n`), 'application/json');
  return { uri: where, sha256 };
}

/** Read and validate manifest.json only (enough for metrics and promotion decisions). */
export async function readArtifactManifest(store: ArtifactStore): Promise<ArtifactManifest> {
  const where = store.baseUri;
  let bytes: Uint8Array;
  try {
    bytes = await store.get(ARTIFACT_FILES.manifest);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) throw new ArtifactNotFoundError(`no manifest.json at ${where}: the run did not finish`, { cause: error });
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UnsupportedArtifactError(`manifest.json at ${where} is not valid JSON: ${(error as Error).message}`, undefined, { cause: error });
  }
  return parseArtifactManifest(value, where);
}

/** Read a finished artifact: the validated manifest and the model.onnx bytes it vouches for. */
export async function readArtifact(store: ArtifactStore): Promise<{ manifest: ArtifactManifest; modelOnnx: Uint8Array }> {
  const manifest = await readArtifactManifest(store);
  let modelOnnx: Uint8Array;
  try {
    modelOnnx = await store.get(ARTIFACT_FILES.model);
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) {
      throw new ArtifactNotFoundError(`no model.onnx at ${store.baseUri} although manifest.json names one`, { cause: error });
    }
    throw error;
  }
  checkModelMatchesManifest(modelOnnx, manifest, store.baseUri);
  return { manifest, modelOnnx };
}
