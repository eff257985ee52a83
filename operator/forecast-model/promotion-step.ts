import type { ServedModel } from '../../core/crd/forecast-model.ts';
import type { ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import type { TrainingRunStatus } from '../../core/crd/training-run.ts';
import { FM_REASONS, type EventIntent } from '../events.ts';
import type { TrainingRunObject } from '../kube/objects.ts';
import { ANNOTATIONS } from '../naming.ts';
import { decidePromotion, PROMOTION_REASONS, type PromotionDecision } from './promotion.ts';
import { runPhase } from './run-facts.ts';
import { servedModelOf } from './served-model.ts';

/** The promotion decisions of one pass: the model served afterwards, and what to record on runs. */
export interface PromotionStep {
  readonly served: ServedModel | undefined;
  readonly updates: { name: string; status: Partial<TrainingRunStatus> }[];
  readonly events: EventIntent[];
  readonly lastRejection?: string;
}

const ALREADY_SERVING: PromotionDecision = { outcome: 'promote', reason: PROMOTION_REASONS.alreadyServing, message: 'the inference Deployment already serves it' };

function judge(spec: ResolvedForecastModelSpec, candidate: TrainingRunObject, current: ServedModel | undefined, manuallyApproved: boolean): PromotionDecision {
  const quantiles = candidate.spec.model?.quantiles ?? spec.model.quantiles;
  return decidePromotion({
    policy: spec.promotion.policy,
    metric: spec.promotion.metric,
    candidate: candidate.status!.metrics!,
    ...(current ? { current, currentVersion: current.version } : {}),
    nominalCoverage: Math.max(...quantiles) - Math.min(...quantiles),
    manuallyApproved,
    significanceLevel: spec.promotion.significanceLevel,
  });
}

/**
 * Judge at most one run this pass (the newest undecided, or one annotated for promotion) against the served
 * model. `served` is what the cluster serves; `recorded` is status.model, which may lag it after a crash.
 */
export function decidePromotions(spec: ResolvedForecastModelSpec, runs: readonly TrainingRunObject[], served: ServedModel | undefined, recorded: ServedModel | undefined): PromotionStep {
  const updates: PromotionStep['updates'] = [];
  const events: EventIntent[] = [];
  const succeeded = runs.filter((r) => runPhase(r) === 'Succeeded' && r.status?.promoted !== true && servedModelOf(r) && !r.metadata.deletionTimestamp);
  // The Deployment already serves a run not marked promoted: the operator stopped between rolling the
  // Deployment and recording the decision. Finish recording it rather than judge it against itself.
  const unrecorded = served ? succeeded.find((r) => r.metadata.name === served.trainingRun) : undefined;
  const manual = succeeded.find((r) => r.metadata.annotations?.[ANNOTATIONS.promote] === 'true');
  // Every run is judged once; a decided run is only reconsidered through the promote annotation.
  const undecided = succeeded.filter((r) => r.status?.promotionReason === undefined || r.status.promotionReason === PROMOTION_REASONS.awaitingApproval);
  const candidate = unrecorded ?? manual ?? undecided[0];
  if (!candidate) return { served, updates, events, lastRejection: lastRejectionOf(runs, served) };
  let decision: PromotionDecision;
  if (unrecorded) {
    // Judged again against the model status still names, the decision keeps its original reason.
    const before = judge(spec, unrecorded, recorded?.trainingRun === unrecorded.metadata.name ? undefined : recorded, unrecorded === manual);
    decision = before.outcome === 'promote' ? before : ALREADY_SERVING;
  } else {
    decision = judge(spec, candidate, served, candidate === manual);
  }
  const name = candidate.metadata.name;
  let next = served;
  if (decision.outcome === 'promote') {
    next = servedModelOf(candidate);
    updates.push({ name, status: { promoted: true, promotionReason: decision.reason, promotionMessage: decision.message } });
    events.push({ type: 'Normal', reason: FM_REASONS.modelPromoted, message: `promoted ${name}: ${decision.message}` });
  } else if (decision.outcome === 'reject') {
    updates.push({ name, status: { promoted: false, promotionReason: decision.reason, promotionMessage: decision.message } });
    events.push({ type: 'Normal', reason: FM_REASONS.modelRejected, message: `rejected ${name}: ${decision.message}; still serving ${served?.version ?? 'nothing'}` });
  } else if (candidate.status?.promotionReason !== decision.reason) {
    updates.push({ name, status: { promotionReason: decision.reason, promotionMessage: decision.message } });
  }
  // Older runs that finished unjudged lost to a newer one: judge only the newest. A manual promotion
  // leaves them waiting for their own approval.
  const position = undecided.indexOf(candidate);
  if (candidate !== manual && position !== -1) {
    for (const older of undecided.slice(position + 1)) {
      updates.push({ name: older.metadata.name, status: { promoted: false, promotionReason: PROMOTION_REASONS.superseded, promotionMessage: `${name} is newer` } });
    }
  }
  return { served: next, updates, events, ...(decision.outcome === 'reject' ? { lastRejection: `${name}: ${decision.message}` } : {}) };
}

function lastRejectionOf(runs: readonly TrainingRunObject[], served: ServedModel | undefined): string | undefined {
  if (served) return undefined;
  const rejected = runs.find((r) => r.status?.promoted === false);
  return rejected ? `${rejected.metadata.name}: ${rejected.status?.promotionMessage ?? rejected.status?.promotionReason}` : undefined;
}
