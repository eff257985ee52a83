import { API_GROUP, API_VERSION, FORECAST_MODEL_NAMES, TRAINING_RUN_NAMES } from '../../core/crd/group.ts';

/** A REST resource: group ('' for core), version and plural name. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

/** The resources the operator reads or writes. */
export const RESOURCES = {
  forecastModels: { group: API_GROUP, version: API_VERSION, plural: FORECAST_MODEL_NAMES.plural, kind: FORECAST_MODEL_NAMES.kind },
  trainingRuns: { group: API_GROUP, version: API_VERSION, plural: TRAINING_RUN_NAMES.plural, kind: TRAINING_RUN_NAMES.kind },
  jobs: { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job' },
  pods: { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  disruptionBudgets: { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget' },
  autoscalers: { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler' },
  events: { group: '', version: 'v1', plural: 'events', kind: 'Event' },
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret' },
  leases: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease' },
} as const satisfies Record<string, ResourceType>;

/** REST path of a resource collection or object: `/apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>[/<sub>]]`. */
export function resourcePath(resource: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const root = resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scoped = namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}` : root;
  const object = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${scoped}/${resource.plural}${object}`;
}
