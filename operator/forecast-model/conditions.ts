import { findCondition, type ConditionUpdate } from '../../core/crd/conditions.ts';
import { FORECAST_MODEL_CONDITIONS, type ServedModel } from '../../core/crd/forecast-model.ts';
import type { ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import { TRAINING_RUN_CONDITIONS } from '../../core/crd/training-run.ts';
import { FM_REASONS, TR_REASONS } from '../events.ts';
import type { TrainingRunObject } from '../kube/objects.ts';
import { isFinished, runPhase } from './run-facts.ts';

/** What the ForecastModel conditions are computed from. */
export interface ConditionInputs {
  readonly spec?: ResolvedForecastModelSpec;
  readonly specError?: string;
  readonly scheduleError?: string;
  /** Runs newest first. */
  readonly runs: readonly TrainingRunObject[];
  readonly served: ServedModel | undefined;
  readonly servingReady: boolean;
  readonly lastRejection: string | undefined;
  /** Why spec.serving.pinnedRun cannot be served. */
  readonly pinProblem?: { readonly reason: string; readonly message: string };
}

/** Trained while a run is in flight: training, or stuck because the scheduler cannot place its trainer Pod. */
function activeRunCondition(active: TrainingRunObject): ConditionUpdate {
  const progress = findCondition(active.status?.conditions, TRAINING_RUN_CONDITIONS.succeeded);
  if (progress?.reason === TR_REASONS.unschedulable) {
    return { type: FORECAST_MODEL_CONDITIONS.trained, status: 'False', reason: FM_REASONS.trainerUnschedulable, message: `${active.metadata.name}: ${progress.message ?? 'its trainer Pod cannot be scheduled'}` };
  }
  return { type: FORECAST_MODEL_CONDITIONS.trained, status: 'False', reason: FM_REASONS.training, message: `${active.metadata.name} is training` };
}

/** The Ready, Trained, Serving and Degraded conditions, in that order. */
export function forecastModelConditions(input: ConditionInputs): ConditionUpdate[] {
  const { runs, served } = input;
  const newestFinished = runs.find(isFinished);
  const active = runs.find((r) => !isFinished(r));
  const failedMessage = newestFinished ? (findCondition(newestFinished.status?.conditions, TRAINING_RUN_CONDITIONS.failed)?.message ?? '') : '';
  // A schedule that cannot be parsed stops retraining whatever the last run did: say so first.
  const trained: ConditionUpdate = input.scheduleError
    ? { type: FORECAST_MODEL_CONDITIONS.trained, status: 'False', reason: FM_REASONS.invalidSchedule, message: input.scheduleError }
    : newestFinished && runPhase(newestFinished) === 'Succeeded'
      ? { type: FORECAST_MODEL_CONDITIONS.trained, status: 'True', reason: FM_REASONS.runSucceeded, message: `${newestFinished.metadata.name} trained a model (skill vs naive ${newestFinished.status?.metrics?.skillVsNaive ?? 'unknown'})` }
      : newestFinished
        ? { type: FORECAST_MODEL_CONDITIONS.trained, status: 'False', reason: FM_REASONS.runFailed, message: `${newestFinished.metadata.name} failed: ${failedMessage}` }
        : active
          ? activeRunCondition(active)
          : input.spec?.suspend
            ? { type: FORECAST_MODEL_CONDITIONS.trained, status: 'False', reason: FM_REASONS.suspended, message: 'training is suspended' }
            : { type: FORECAST_MODEL_CONDITIONS.trained, status: 'False', reason: FM_REASONS.noRun, message: 'no training run yet' };
  const serving: ConditionUpdate = !served
    ? { type: FORECAST_MODEL_CONDITIONS.serving, status: 'False', reason: FM_REASONS.noModel, message: input.lastRejection ? `no model promoted yet; rejected ${input.lastRejection}` : 'waiting for a trained model to be promoted' }
    : input.servingReady
      ? { type: FORECAST_MODEL_CONDITIONS.serving, status: 'True', reason: FM_REASONS.available, message: `serving model ${served.version}` }
      : { type: FORECAST_MODEL_CONDITIONS.serving, status: 'False', reason: FM_REASONS.rollingOut, message: `rolling out model ${served.version}` };
  const degraded: ConditionUpdate = input.specError
    ? { type: FORECAST_MODEL_CONDITIONS.degraded, status: 'True', reason: FM_REASONS.invalidSpec, message: input.specError }
    : input.scheduleError
      ? { type: FORECAST_MODEL_CONDITIONS.degraded, status: 'True', reason: FM_REASONS.invalidSchedule, message: input.scheduleError }
      : input.pinProblem
        ? { type: FORECAST_MODEL_CONDITIONS.degraded, status: 'True', reason: input.pinProblem.reason, message: input.pinProblem.message }
        : newestFinished && runPhase(newestFinished) === 'Failed'
        ? { type: FORECAST_MODEL_CONDITIONS.degraded, status: 'True', reason: FM_REASONS.runFailed, message: `${newestFinished.metadata.name} failed${served ? `; still serving ${served.version}` : ''}: ${failedMessage}` }
        : { type: FORECAST_MODEL_CONDITIONS.degraded, status: 'False', reason: FM_REASONS.asExpected, message: '' };
  const ready: ConditionUpdate = { ...serving, type: FORECAST_MODEL_CONDITIONS.ready };
  return [ready, trained, serving, degraded];
}
