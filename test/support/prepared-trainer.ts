/** A trainer runner that finishes at once with a prepared outcome, for tests about the operator's decisions. */
import type { RunSummary } from '../../core/manifest.ts';
import type { TrainerRunner } from './job-simulator.ts';

/** What a prepared trainer run reports. */
export type PreparedOutcome = { readonly metrics: NonNullable<RunSummary['metrics']> } | { readonly fail: string; readonly exitCode?: number };

/**
 * A runner answering each Job with the outcome `decide` picks from the run's environment: a success summary
 * pointing at MUR_ARTIFACT_URI (optionally after `copyArtifact` put real files there), or a failure.
 */
export function preparedTrainerRunner(decide: (env: Record<string, string>) => PreparedOutcome, copyArtifact?: (artifactUri: string) => Promise<void>): TrainerRunner {
  return async (_job, env) => {
    const outcome = decide(env);
    if ('fail' in outcome) {
      return { exitCode: outcome.exitCode ?? 1, terminationMessage: JSON.stringify({ ok: false, error: outcome.fail } satisfies RunSummary) };
    }
    const artifactUri = env.MUR_ARTIFACT_URI!;
    await copyArtifact?.(artifactUri);
    const summary: RunSummary = { ok: true, artifactUri, sha256: '0'.repeat(64), version: env.MUR_MODEL_VERSION ?? 'prepared', metrics: outcome.metrics, backend: 'prepared' };
    return { exitCode: 0, terminationMessage: JSON.stringify(summary) };
  };
}
