import { kubeTime } from '../../core/crd/conditions.ts';
import type { RetrainPolicy } from '../../core/crd/retrain-when.ts';
import type { ServedModel } from '../../core/crd/forecast-model.ts';
import type { LiveRecord } from '../drift/live-record.ts';
import { FM_REASONS, type EventIntent } from '../events.ts';
import type { TrainingRunObject } from '../kube/objects.ts';
import { createdAt } from './run-facts.ts';

/** A Drift run the live record asks for: what crossed which bound, and the fingerprint that names the run. */
export interface DriftDue {
  /** Which figure crossed which bound, over how many samples, for the Event. */
  readonly crossing: string;
  /** Distinguishes this drift from the previous one in the run name, so a repeated decision names the same run. */
  readonly fingerprint: { readonly driftAfter: string };
}

/** The live figures that cross a bound of `policy`, in words; undefined when none does or samples are too few. */
export function crossedBounds(policy: RetrainPolicy, record: LiveRecord): string | undefined {
  if (record.samples < policy.minSamples) return undefined;
  const crossings: string[] = [];
  if (policy.coverageBelow !== undefined && record.coverage !== undefined && record.coverage < policy.coverageBelow) {
    const nominal = record.nominalCoverage === undefined ? '' : ` (nominal ${figure(record.nominalCoverage)})`;
    crossings.push(`live coverage ${figure(record.coverage)}${nominal} over ${record.samples} samples is below retrainWhen.coverageBelow ${policy.coverageBelow}`);
  }
  if (policy.maseAbove !== undefined && record.mase !== undefined && record.mase > policy.maseAbove) {
    crossings.push(`live MASE ${figure(record.mase)} over ${record.samples} samples is above retrainWhen.maseAbove ${policy.maseAbove}`);
  }
  return crossings.length > 0 ? crossings.join('; ') : undefined;
}

/**
 * When the last Drift run started: the later of status.lastDriftAt and the newest Drift run, so the cooldown
 * survives a status that was lost or a crash between creating the run and recording it.
 */
export function lastDriftTime(recorded: string | undefined, runs: readonly TrainingRunObject[]): number | undefined {
  const times = runs.filter((run) => run.spec.reason === 'Drift').map(createdAt);
  if (recorded !== undefined && Number.isFinite(Date.parse(recorded))) times.push(Date.parse(recorded));
  return times.length > 0 ? Math.max(...times) : undefined;
}

/**
 * Whether the served model's live record asks for a Drift run now: a bound crossed with at least minSamples
 * scored, figures that belong to the model served (not a pod still serving the one before), and no Drift run
 * within the cooldown. The caller checks what holds for every trigger (not suspended, no run in flight).
 */
export function driftDue(policy: RetrainPolicy | undefined, record: LiveRecord | undefined, served: ServedModel | undefined, lastDrift: number | undefined, now: Date): DriftDue | undefined {
  if (!policy || !record || !served) return undefined;
  if (record.modelVersion !== undefined && record.modelVersion !== served.version) return undefined;
  if (lastDrift !== undefined && now.getTime() < lastDrift + policy.cooldownMs) return undefined;
  const crossing = crossedBounds(policy, record);
  if (!crossing) return undefined;
  // Whole seconds, as status records it: the name is the same whether the last drift is read from status or a run.
  return { crossing, fingerprint: { driftAfter: lastDrift === undefined ? 'none' : kubeTime(new Date(lastDrift)) } };
}

/** The Event that says why a Drift run started. */
export function driftEvent(due: DriftDue, run: string): EventIntent {
  return { type: 'Warning', reason: FM_REASONS.driftDetected, message: `${due.crossing}; retraining as TrainingRun ${run}` };
}

/** A figure in an Event: three decimals at most, no trailing zeros. */
function figure(value: number): string {
  return String(Number(value.toFixed(3)));
}
