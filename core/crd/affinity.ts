import Type from 'typebox';
import { literalUnion } from './literal-union.ts';

// Typed from the Kubernetes core/v1 schemas (v1.35) so the API server refuses a misspelt field on apply
// instead of the Deployment or Job refusing the pod later. Lists are atomic as in the Pod API: each is one
// placement decision that server-side apply should replace whole.
const atomicList = <T extends ReturnType<typeof Type.Object>>(item: T, maxItems: number, description?: string) =>
  Type.Array(item, { maxItems, 'x-kubernetes-list-type': 'atomic', ...(description ? { description } : {}) });
const stringList = (maxItems: number) => Type.Array(Type.String({ maxLength: 317 }), { maxItems, 'x-kubernetes-list-type': 'atomic' });
const weight = Type.Integer({ minimum: 1, maximum: 100, description: 'preference weight, 1–100' });

/** A node selector requirement (key, operator, values), as in a Pod's nodeAffinity. */
export const NodeSelectorRequirementSchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 317 }),
    operator: literalUnion(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const),
    values: Type.Optional(stringList(64)),
  },
  { additionalProperties: false },
);

/** One node selector term: its requirements are ANDed. */
export const NodeSelectorTermSchema = Type.Object(
  { matchExpressions: Type.Optional(atomicList(NodeSelectorRequirementSchema, 32)), matchFields: Type.Optional(atomicList(NodeSelectorRequirementSchema, 32)) },
  { additionalProperties: false, 'x-kubernetes-map-type': 'atomic' },
);

/** A label selector, as in Deployments and pod affinity terms. */
export const LabelSelectorSchema = Type.Object(
  {
    matchLabels: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 63 }), { maxProperties: 32, 'x-kubernetes-map-type': 'atomic' })),
    matchExpressions: Type.Optional(
      atomicList(
        Type.Object(
          { key: Type.String({ minLength: 1, maxLength: 317 }), operator: literalUnion(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const), values: Type.Optional(stringList(64)) },
          { additionalProperties: false },
        ),
        32,
      ),
    ),
  },
  { additionalProperties: false, 'x-kubernetes-map-type': 'atomic' },
);

/** A pod (anti-)affinity term: pods matching labelSelector in namespaces, co-located by topologyKey. */
export const PodAffinityTermSchema = Type.Object(
  {
    labelSelector: Type.Optional(LabelSelectorSchema),
    namespaces: Type.Optional(stringList(32)),
    topologyKey: Type.String({ minLength: 1, maxLength: 317 }),
    namespaceSelector: Type.Optional(LabelSelectorSchema),
    matchLabelKeys: Type.Optional(stringList(32)),
    mismatchLabelKeys: Type.Optional(stringList(32)),
  },
  { additionalProperties: false },
);

function podAffinity(description: string, rule: string) {
  return Type.Object(
    {
      requiredDuringSchedulingIgnoredDuringExecution: Type.Optional(atomicList(PodAffinityTermSchema, 32, `Kubernetes PodAffinityTerms: ${rule}`)),
      preferredDuringSchedulingIgnoredDuringExecution: Type.Optional(
        atomicList(Type.Object({ weight, podAffinityTerm: PodAffinityTermSchema }, { additionalProperties: false }), 32, `Kubernetes WeightedPodAffinityTerms: preferably ${rule}`),
      ),
    },
    { additionalProperties: false, description },
  );
}

/** A Pod's affinity: node affinity, pod affinity and pod anti-affinity, as in the Pod API. */
export function affinitySchema(description: string) {
  return Type.Object(
    {
      nodeAffinity: Type.Optional(
        Type.Object(
          {
            requiredDuringSchedulingIgnoredDuringExecution: Type.Optional(
              Type.Object(
                { nodeSelectorTerms: atomicList(NodeSelectorTermSchema, 32, 'Kubernetes NodeSelectorTerms: the node must match one of them') },
                { additionalProperties: false, 'x-kubernetes-map-type': 'atomic', description: 'the node the pod lands on must match' },
              ),
            ),
            preferredDuringSchedulingIgnoredDuringExecution: Type.Optional(
              atomicList(Type.Object({ weight, preference: NodeSelectorTermSchema }, { additionalProperties: false }), 32, 'Kubernetes PreferredSchedulingTerms: weighted node terms the scheduler favours'),
            ),
          },
          { additionalProperties: false, description: 'node affinity' },
        ),
      ),
      podAffinity: Type.Optional(podAffinity('pods to land near', 'share a topology domain with the pods they select')),
      podAntiAffinity: Type.Optional(podAffinity('pods to keep away from', 'stay out of the topology domains of the pods they select')),
    },
    { additionalProperties: false, description },
  );
}
