import { randomBytes } from 'node:crypto';
import { kubeTime } from '../../core/crd/conditions.ts';
import type { Logger } from '../../core/logger.ts';
import type { EventIntent } from '../events.ts';
import type { KubeObject } from './objects.ts';
import { RESOURCES, resourcePath } from './resources.ts';
import type { KubeRest } from './rest-client.ts';

/** Records Kubernetes Events about the objects the operator decides on (shown by `kubectl describe`). */
export interface EventRecorder {
  record(regarding: KubeObject, intent: EventIntent): Promise<void>;
}

/** Options of createEventRecorder. */
export interface EventRecorderOptions {
  readonly rest: KubeRest;
  readonly component: string;
  readonly instance: string;
  readonly log: Logger;
  readonly now: () => Date;
}

/** An Event recorder writing core/v1 Events. */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  return {
    async record(regarding, intent) {
      const namespace = regarding.metadata.namespace ?? 'default';
      const time = kubeTime(options.now());
      const event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${regarding.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: regarding.metadata.name,
          namespace,
          ...(regarding.metadata.uid ? { uid: regarding.metadata.uid } : {}),
          ...(regarding.metadata.resourceVersion ? { resourceVersion: regarding.metadata.resourceVersion } : {}),
        },
        type: intent.type,
        reason: intent.reason,
        message: intent.message,
        source: { component: options.component },
        reportingComponent: options.component,
        reportingInstance: options.instance,
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
      };
      try {
        await options.rest.create(resourcePath(RESOURCES.events, namespace), event);
      } catch (error) {
        // Events are informational and best-effort in Kubernetes (client-go drops them too): a failed Event
        // must not fail or repeat the decision it describes, whose outcome is already in status.
        options.log.warn({ err: error, reason: intent.reason, kind: regarding.kind, namespace, name: regarding.metadata.name }, 'could not record Event');
      }
    },
  };
}
