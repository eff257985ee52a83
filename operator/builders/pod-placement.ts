import type { V1Affinity, V1LocalObjectReference, V1PodSpec, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import { POD_PLACEMENT_FIELDS, type PodPlacement } from '../../core/crd/pod-placement.ts';

/** The pod spec fields a placement sets, only those that have a value. */
export type PlacementPodFields = Pick<V1PodSpec, 'nodeSelector' | 'tolerations' | 'affinity' | 'topologySpreadConstraints' | 'priorityClassName' | 'serviceAccountName' | 'imagePullSecrets'>;

/** The placement fields of spec.training or spec.serving, without their other settings. */
export function placementOf(settings: PodPlacement): PodPlacement {
  const picked: Record<string, unknown> = {};
  for (const field of POD_PLACEMENT_FIELDS) if (settings[field] !== undefined) picked[field] = settings[field];
  return picked as PodPlacement;
}

/**
 * The placement a pod gets: each field from the resource when it sets it, else the operator-wide default.
 * Pod labels and annotations merge instead (defaults, then the resource's), so a platform-wide annotation
 * survives a team adding its own.
 */
export function effectivePlacement(settings: PodPlacement, defaults: PodPlacement): PodPlacement {
  const own = placementOf(settings);
  const merged: Record<string, unknown> = { ...defaults };
  for (const [field, value] of Object.entries(own)) if (value !== undefined) merged[field] = value;
  const podLabels = { ...defaults.podLabels, ...own.podLabels };
  const podAnnotations = { ...defaults.podAnnotations, ...own.podAnnotations };
  return {
    ...(merged as PodPlacement),
    ...(Object.keys(podLabels).length > 0 ? { podLabels } : {}),
    ...(Object.keys(podAnnotations).length > 0 ? { podAnnotations } : {}),
  };
}

/**
 * Pod spec fields of a placement. A spread constraint without a labelSelector would count no pods at all,
 * so it gets `ownSelector` (the workload's own pods), which is what such a constraint is nearly always for.
 */
export function placementPodFields(placement: PodPlacement, ownSelector: Readonly<Record<string, string>>, extraTolerations: readonly V1Toleration[] = []): PlacementPodFields {
  const tolerations = [...((placement.tolerations ?? []) as V1Toleration[]), ...extraTolerations];
  const spread = (placement.topologySpreadConstraints ?? []).map((c) => ({ ...c, labelSelector: c.labelSelector ?? { matchLabels: { ...ownSelector } } }));
  return {
    ...(placement.nodeSelector ? { nodeSelector: { ...placement.nodeSelector } } : {}),
    ...(tolerations.length > 0 ? { tolerations } : {}),
    ...(placement.affinity ? { affinity: structuredClone(placement.affinity) as V1Affinity } : {}),
    ...(spread.length > 0 ? { topologySpreadConstraints: structuredClone(spread) as V1TopologySpreadConstraint[] } : {}),
    ...(placement.priorityClassName ? { priorityClassName: placement.priorityClassName } : {}),
    ...(placement.serviceAccountName ? { serviceAccountName: placement.serviceAccountName } : {}),
    ...(placement.imagePullSecrets?.length ? { imagePullSecrets: placement.imagePullSecrets.map((s): V1LocalObjectReference => ({ name: s.name })) } : {}),
  };
}

/** Pod labels: the placement's first, then the operator's own, which win so selectors and caches keep matching. */
export function podLabels(placement: PodPlacement, own: Readonly<Record<string, string>>): Record<string, string> {
  return { ...placement.podLabels, ...own };
}

/** Pod annotations: the placement's first, then the operator's own, which win. */
export function podAnnotations(placement: PodPlacement, own: Readonly<Record<string, string>> = {}): Record<string, string> | undefined {
  const merged = { ...placement.podAnnotations, ...own };
  return Object.keys(merged).length > 0 ? merged : undefined;
}
