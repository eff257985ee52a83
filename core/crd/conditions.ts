import Type, { type Static } from 'typebox';

/** One status condition, Kubernetes style; `reason` is a one-word CamelCase constant shared with Events. */
export const ConditionSchema = Type.Object({
  type: Type.String({ maxLength: 316 }),
  status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
  reason: Type.String({ maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: Type.String({ maxLength: 32768 }),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** Conditions as a list keyed by `type` (server-side apply merges them by type). */
export const ConditionListSchema = Type.Array(ConditionSchema, {
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  description: 'latest observations of the resource state, one per type',
});

/** A status condition. */
export type Condition = Static<typeof ConditionSchema>;
/** Condition status value. */
export type ConditionStatus = Condition['status'];

/** A condition as a decision produces it; the transition time and generation are filled in by setCondition. */
export interface ConditionUpdate {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** The condition of the given type, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition of the given type is present with status True. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

/**
 * Conditions with `update` applied: `lastTransitionTime` moves only when the status flips, so an
 * unchanged decision yields an identical list and no status write. Order is kept; new types are appended.
 */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, now: Date, generation: number | undefined): Condition[] {
  const previous = findCondition(conditions, update.type);
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    lastTransitionTime: previous && previous.status === update.status ? previous.lastTransitionTime : kubeTime(now),
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === update.type);
  if (index === -1) list.push(next);
  else list[index] = next;
  return list;
}

/** Apply several condition updates in order. */
export function setConditions(conditions: readonly Condition[] | undefined, updates: readonly ConditionUpdate[], now: Date, generation: number | undefined): Condition[] {
  let list = [...(conditions ?? [])];
  for (const update of updates) list = setCondition(list, update, now, generation);
  return list;
}

/** A timestamp as Kubernetes writes them: RFC 3339 in UTC with whole seconds. */
export function kubeTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
