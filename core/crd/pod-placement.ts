import Type, { type Static } from 'typebox';
import { affinitySchema, LabelSelectorSchema } from './affinity.ts';
import { literalUnion } from './literal-union.ts';
import { nodeSelectorSchema, tolerationListSchema } from './kubernetes-types.ts';

// A qualified name as Kubernetes checks label and annotation keys: an optional DNS-subdomain prefix and a name.
const QUALIFIED_KEY = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$';
const keysRule = (what: string) => ({
  rule: `self.all(k, size(k) <= 317 && k.matches('${QUALIFIED_KEY}'))`,
  message: `${what} keys must be qualified names such as example.com/team or team`,
});

/** A topology spread constraint, as in the Pod API. */
export const TopologySpreadConstraintSchema = Type.Object(
  {
    maxSkew: Type.Integer({ minimum: 1 }),
    topologyKey: Type.String({ minLength: 1, maxLength: 317 }),
    whenUnsatisfiable: literalUnion(['DoNotSchedule', 'ScheduleAnyway'] as const),
    labelSelector: Type.Optional(LabelSelectorSchema),
    minDomains: Type.Optional(Type.Integer({ minimum: 1 })),
    nodeAffinityPolicy: Type.Optional(literalUnion(['Honor', 'Ignore'] as const)),
    nodeTaintsPolicy: Type.Optional(literalUnion(['Honor', 'Ignore'] as const)),
    matchLabelKeys: Type.Optional(Type.Array(Type.String({ maxLength: 317 }), { maxItems: 32, 'x-kubernetes-list-type': 'atomic' })),
  },
  { additionalProperties: false },
);

/** Reference to an image pull Secret in the same namespace. */
export const ImagePullSecretSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }) }, { additionalProperties: false });

/**
 * Where the pods the operator creates run and as whom, shared by spec.serving and spec.training (which
 * already had nodeSelector and tolerations). `workload` names the pods in the descriptions.
 */
export function podPlacementProperties(workload: string) {
  return {
    nodeSelector: Type.Optional(nodeSelectorSchema(`node labels the ${workload} pods must match`)),
    tolerations: Type.Optional(tolerationListSchema(`taints the ${workload} pods tolerate`)),
    affinity: Type.Optional(affinitySchema(`node and pod affinity of the ${workload} pods`)),
    topologySpreadConstraints: Type.Optional(
      Type.Array(TopologySpreadConstraintSchema, {
        maxItems: 8,
        // Keyed as in the Pod API, so server-side apply merges constraints by topology and policy.
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'],
        description: `how the ${workload} pods spread across zones or nodes; without a labelSelector a constraint selects this workload's own pods`,
      }),
    ),
    priorityClassName: Type.Optional(Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: `PriorityClass of the ${workload} pods` })),
    serviceAccountName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: `ServiceAccount (same namespace) the ${workload} pods run as; its API token is not mounted` }),
    ),
    imagePullSecrets: Type.Optional(
      Type.Array(ImagePullSecretSchema, {
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: `Secrets (same namespace) used to pull the ${workload} image`,
      }),
    ),
    podAnnotations: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: 4096 }), {
        maxProperties: 32,
        'x-kubernetes-map-type': 'granular',
        'x-kubernetes-validations': [keysRule('podAnnotations')],
        description: `annotations added to the ${workload} pods; the operator's own annotations win`,
      }),
    ),
    podLabels: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: 63, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$' }), {
        maxProperties: 32,
        'x-kubernetes-map-type': 'granular',
        'x-kubernetes-validations': [keysRule('podLabels')],
        description: `labels added to the ${workload} pods; the operator's own app.kubernetes.io/* and forecasting.makeusrich.io/* labels win, so selectors keep matching`,
      }),
    ),
  };
}

const placement = podPlacementProperties('');
/** The placement fields as one object: what operator-wide defaults may set. */
export const PodPlacementSchema = Type.Object(placement, { additionalProperties: false });

/** Placement and identity of a pod. */
export type PodPlacement = Static<typeof PodPlacementSchema>;
/** The names of the placement fields. */
export const POD_PLACEMENT_FIELDS = Object.keys(placement) as (keyof PodPlacement)[];
