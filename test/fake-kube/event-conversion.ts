import type { StatusCause } from './api-error.ts';
import type { KubeObject } from './types.ts';

/*
 * core/v1 Events and events.k8s.io/v1 Events are one resource with two shapes, as on a real cluster:
 * objects are stored in the core shape and converted when served through events.k8s.io.
 */

/** events.k8s.io/v1 field → core/v1 field. */
const EVENTS_V1_TO_CORE: ReadonlyArray<readonly [string, string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

function renameFields(object: KubeObject, pairs: ReadonlyArray<readonly [string, string]>, apiVersion: string): KubeObject {
  const converted: KubeObject = { ...object, apiVersion, kind: 'Event' };
  for (const [from, to] of pairs) {
    if (!(from in object)) continue;
    converted[to] = object[from];
    delete converted[from];
  }
  return converted;
}

/** An events.k8s.io/v1 Event in its stored (core/v1) shape. */
export function eventsV1ToCore(event: KubeObject): KubeObject {
  return renameFields(event, EVENTS_V1_TO_CORE, 'v1');
}

/** A stored core/v1 Event in the events.k8s.io/v1 shape. */
export function coreToEventsV1(event: KubeObject): KubeObject {
  return renameFields(
    event,
    EVENTS_V1_TO_CORE.map(([v1, core]) => [core, v1] as const),
    'events.k8s.io/v1',
  );
}

/** The fields events.k8s.io/v1 requires on create (the real validation, minus length limits). */
export function validateEventsV1Create(event: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const field of ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']) {
    const value = event[field];
    if (value === undefined || value === null || value === '') {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
    }
  }
  if (event.type !== 'Normal' && event.type !== 'Warning') {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(event.type ?? '')}: has invalid value: ${String(event.type ?? '')}`,
      field: 'type',
    });
  }
  return causes;
}
