import type { TrainingRunObject } from '../kube/objects.ts';
import { runPhase } from './run-facts.ts';

/** History limits of spec.training. */
export interface HistoryLimits {
  readonly successfulRunsHistoryLimit: number;
  readonly failedRunsHistoryLimit: number;
}

/**
 * Names of finished runs beyond the history limits, oldest first out. `runs` must be newest first; runs in
 * `keep` (the served model's run, the newest run) are never pruned and do not use up the limits.
 */
export function runsToPrune(runs: readonly TrainingRunObject[], limits: HistoryLimits, keep: ReadonlySet<string>): string[] {
  const prune: string[] = [];
  let succeeded = 0;
  let failed = 0;
  for (const run of runs) {
    if (keep.has(run.metadata.name) || run.metadata.deletionTimestamp) continue;
    const phase = runPhase(run);
    if (phase === 'Succeeded' && ++succeeded > limits.successfulRunsHistoryLimit) prune.push(run.metadata.name);
    if (phase === 'Failed' && ++failed > limits.failedRunsHistoryLimit) prune.push(run.metadata.name);
  }
  return prune;
}
