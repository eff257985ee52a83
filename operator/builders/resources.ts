import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { ResourceRequirements } from '../../core/crd/kubernetes-types.ts';

function quantities(...maps: (Readonly<Record<string, string | number>> | undefined)[]): Record<string, string> | undefined {
  const merged: Record<string, string> = {};
  for (const map of maps) for (const [name, value] of Object.entries(map ?? {})) merged[name] = String(value);
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** Container resources from the given requirements, later ones overriding earlier ones per resource name. */
export function containerResources(...layers: ResourceRequirements[]): V1ResourceRequirements {
  const requests = quantities(...layers.map((l) => l.requests));
  const limits = quantities(...layers.map((l) => l.limits));
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}
