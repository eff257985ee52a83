import { TRAINING_RUN_CONDITIONS, type TrainingRunPhase } from '../../core/crd/training-run.ts';
import { findCondition } from '../../core/crd/conditions.ts';
import { resolveTrainingRunSpec } from '../../core/crd/resolve.ts';
import type { TrainingRunObject } from '../kube/objects.ts';
import { ANNOTATIONS, shortHash } from '../naming.ts';
import type { MarketSpec, ModelSpec } from '../../core/spec.ts';

/** Hash of the settings that decide what a model is: market and model spec, defaults applied. */
export function trainingSettingsHash(market: MarketSpec, model: ModelSpec): string {
  return shortHash({ market, model }, 16);
}

/** The settings hash of a run's spec, or undefined when the spec is invalid. */
export function runSettingsHash(run: TrainingRunObject): string | undefined {
  try {
    const spec = resolveTrainingRunSpec(run.spec);
    return trainingSettingsHash(spec.market, spec.model);
  } catch {
    // An invalid run spec trains nothing; it matches no ForecastModel settings.
    return undefined;
  }
}

/** Phase of a run from its status (Pending until the TrainingRun controller reports). */
export function runPhase(run: TrainingRunObject): TrainingRunPhase {
  if (findCondition(run.status?.conditions, TRAINING_RUN_CONDITIONS.succeeded)?.status === 'True') return 'Succeeded';
  if (findCondition(run.status?.conditions, TRAINING_RUN_CONDITIONS.failed)?.status === 'True') return 'Failed';
  return run.status?.phase === 'Running' ? 'Running' : 'Pending';
}

/** True once the run has succeeded or failed for good. */
export function isFinished(run: TrainingRunObject): boolean {
  const phase = runPhase(run);
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Creation time of a run in milliseconds: the operator's own millisecond stamp when it made the run (two runs
 * can share a creationTimestamp second), else creationTimestamp; 0 when unknown.
 */
export function createdAt(run: { metadata: { creationTimestamp?: string; annotations?: Readonly<Record<string, string>> } }): number {
  const stamp = run.metadata.annotations?.[ANNOTATIONS.createdAt] ?? run.metadata.creationTimestamp;
  const time = stamp ? Date.parse(stamp) : Number.NaN;
  return Number.isFinite(time) ? time : 0;
}

/** Runs newest first; ties broken by name so the order is stable. */
export function newestFirst<T extends TrainingRunObject>(runs: readonly T[]): T[] {
  return [...runs].sort((a, b) => createdAt(b) - createdAt(a) || (a.metadata.name < b.metadata.name ? 1 : -1));
}
