import type { ArtifactStore } from '../../../core/artifact-store.ts';
import { BadInputError } from '../../../core/errors.ts';
import { ARTIFACT_FILES } from '../../../core/manifest.ts';
import type { TrainerConfig } from './trainer-config.ts';

/**
 * Refuse, before any candle is fetched, an artifact folder that already holds a finished model: a model
 * version is immutable, so reusing its folder is a settings mistake. The message names the setting to change.
 * Unreachable storage fails here too, after the store's retries.
 */
export async function checkArtifactDestination(store: Pick<ArtifactStore, 'exists' | 'baseUri'>, config: Pick<TrainerConfig, 'artifactFrom' | 'version'>): Promise<void> {
  if (!(await store.exists(ARTIFACT_FILES.manifest))) return;
  const fix = {
    default: `pass a new --version (this one is "${config.version}") or another --artifact`,
    flag: 'pass another --artifact folder (or drop --artifact to get a new folder per --version)',
    env: 'give MUR_ARTIFACT_URI a new folder (or pass another --artifact)',
  }[config.artifactFrom];
  throw new BadInputError(
    `${store.baseUri} already holds a finished model (${ARTIFACT_FILES.manifest}), which is never overwritten: ${fix}`,
    config.artifactFrom === 'env' ? 'MUR_ARTIFACT_URI' : '--artifact',
  );
}
