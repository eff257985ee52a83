import type { ConditionUpdate } from '../../core/crd/conditions.ts';
import { findCondition } from '../../core/crd/conditions.ts';
import { FORECAST_MODEL_CONDITIONS, type ForecastModelStatus, type ServedModel } from '../../core/crd/forecast-model.ts';
import { FM_REASONS, type EventIntent } from '../events.ts';
import type { DeploymentObject, TrainingRunObject } from '../kube/objects.ts';
import { ANNOTATIONS } from '../naming.ts';
import { runPhase } from './run-facts.ts';
import { servedModelOf } from './served-model.ts';

/** spec.serving.pinnedRun looked up among the runs: the model to serve, or why it cannot be served. */
export type PinLookup = { readonly model: ServedModel } | { readonly problem: { readonly reason: string; readonly message: string } };

/** Look up the pinned run; only a succeeded run with an artifact can be served. */
export function lookUpPinnedRun(name: string, runs: readonly TrainingRunObject[]): PinLookup {
  const run = runs.find((r) => r.metadata.name === name && !r.metadata.deletionTimestamp);
  if (!run) return { problem: { reason: FM_REASONS.pinnedRunNotFound, message: `pinned run ${name} does not exist` } };
  const model = runPhase(run) === 'Succeeded' ? servedModelOf(run) : undefined;
  if (!model) return { problem: { reason: FM_REASONS.pinnedRunNotSucceeded, message: `pinned run ${name} has not succeeded (${runPhase(run)})` } };
  return { model };
}

/** The run the inference Deployment was pinned to when it was last written, if any. */
export function deployedPinnedRun(deployment: DeploymentObject | undefined): string | undefined {
  return deployment?.metadata.annotations?.[ANNOTATIONS.pinnedRun];
}

/** The newest run marked promoted: what unpinning returns to. `runs` must be newest first. */
export function newestPromotedModel(runs: readonly TrainingRunObject[]): ServedModel | undefined {
  for (const run of runs) {
    const model = run.status?.promoted === true && !run.metadata.deletionTimestamp ? servedModelOf(run) : undefined;
    if (model) return model;
  }
  return undefined;
}

/**
 * The Pinned condition and its Events. The condition appears once a ForecastModel is first pinned and stays
 * (False, NotPinned) afterwards, so `kubectl wait --for=condition=Pinned=false` works after unpinning.
 */
export function pinReport(pinnedRun: string | undefined, lookup: PinLookup | undefined, served: ServedModel | undefined, previous: ForecastModelStatus): { condition?: ConditionUpdate; events: EventIntent[] } {
  const before = findCondition(previous.conditions, FORECAST_MODEL_CONDITIONS.pinned);
  const still = served ? `; still serving ${served.version}` : '';
  const condition: ConditionUpdate | undefined = !pinnedRun || !lookup
    ? before ? { type: FORECAST_MODEL_CONDITIONS.pinned, status: 'False', reason: FM_REASONS.notPinned, message: `serving the newest promoted run${served ? ` ${served.trainingRun}` : ''}` } : undefined
    : 'model' in lookup
      ? { type: FORECAST_MODEL_CONDITIONS.pinned, status: 'True', reason: FM_REASONS.modelPinned, message: `serving pinned run ${pinnedRun} (model ${lookup.model.version})` }
      : { type: FORECAST_MODEL_CONDITIONS.pinned, status: 'False', reason: lookup.problem.reason, message: `${lookup.problem.message}${still}` };
  const changed = condition && (before?.reason !== condition.reason || before.message !== condition.message);
  const events: EventIntent[] = [];
  if (changed && condition.reason === FM_REASONS.modelPinned) events.push({ type: 'Normal', reason: FM_REASONS.modelPinned, message: `rolled back to pinned run ${pinnedRun}: ${condition.message}` });
  else if (changed && condition.reason === FM_REASONS.notPinned && before?.status === 'True') events.push({ type: 'Normal', reason: FM_REASONS.modelUnpinned, message: `unpinned: ${condition.message}` });
  else if (changed && condition.status === 'False' && condition.reason !== FM_REASONS.notPinned) events.push({ type: 'Warning', reason: condition.reason, message: condition.message });
  return { ...(condition ? { condition } : {}), events };
}
