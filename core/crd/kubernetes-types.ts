import Type, { type Static } from 'typebox';

/**
 * A resource quantity ("500m", "2Gi", 4): Kubernetes accepts an integer or a string. The pattern is the
 * one Kubernetes publishes for resource.Quantity; it sits beside anyOf (a branch of an int-or-string may
 * only carry its type) and applies to strings only, so "2 GB" is refused on apply rather than by the Job.
 */
export const QuantitySchema = Type.Union([Type.Integer(), Type.String()], {
  'x-kubernetes-int-or-string': true,
  pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  maxLength: 64,
});

// Resource names a Pod may ask for (cpu, memory, ephemeral-storage, extended resources): a handful in practice.
const resourceList = (description: string) =>
  Type.Record(Type.String(), QuantitySchema, { maxProperties: 32, 'x-kubernetes-map-type': 'granular', description });

/** Container resource requests and limits, as in a Pod spec. */
export const ResourceRequirementsSchema = Type.Object(
  {
    requests: Type.Optional(resourceList('minimum resources, e.g. {cpu: 500m, memory: 1Gi}')),
    limits: Type.Optional(resourceList('maximum resources, e.g. {memory: 2Gi}')),
  },
  { additionalProperties: false, description: 'container resource requests and limits' },
);

/**
 * A Pod nodeSelector. Atomic as in the Pod API: it is one placement decision, so a server-side apply that
 * drops a label removes it instead of merging with labels another manager once set.
 */
export function nodeSelectorSchema(description: string) {
  return Type.Record(Type.String(), Type.String({ maxLength: 63 }), { maxProperties: 64, 'x-kubernetes-map-type': 'atomic', description });
}

/** A Pod toleration, so training or serving pods may land on tainted (e.g. GPU) nodes. */
export const TolerationSchema = Type.Object(
  {
    key: Type.Optional(Type.String({ maxLength: 317 })),
    operator: Type.Optional(Type.Union([Type.Literal('Exists'), Type.Literal('Equal')])),
    value: Type.Optional(Type.String({ maxLength: 63 })),
    effect: Type.Optional(Type.Union([Type.Literal('NoSchedule'), Type.Literal('PreferNoSchedule'), Type.Literal('NoExecute')])),
    tolerationSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** Pod tolerations: an atomic list as in the Pod API (a toleration has no key that identifies it). */
export function tolerationListSchema(description: string) {
  return Type.Array(TolerationSchema, { maxItems: 32, 'x-kubernetes-list-type': 'atomic', description });
}

/** Reference to a Secret in the same namespace. */
export const LocalSecretReferenceSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 253, description: 'Secret name in the same namespace' }) },
  { additionalProperties: false },
);

/** Container resource requests and limits. */
export type ResourceRequirements = Static<typeof ResourceRequirementsSchema>;
/** A Pod toleration. */
export type Toleration = Static<typeof TolerationSchema>;
