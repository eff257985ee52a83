import Type, { type Static } from 'typebox';

/** A resource quantity ("500m", "2Gi", 4): Kubernetes accepts an integer or a string. */
export const QuantitySchema = Type.Union([Type.Integer(), Type.String({ pattern: '^[+-]?[0-9.]+([eE][+-]?[0-9]+|[a-zA-Z]{1,2})?$' })], {
  'x-kubernetes-int-or-string': true,
});

/** Container resource requests and limits, as in a Pod spec. */
export const ResourceRequirementsSchema = Type.Object(
  {
    requests: Type.Optional(Type.Record(Type.String(), QuantitySchema, { description: 'minimum resources, e.g. {cpu: 500m, memory: 1Gi}' })),
    limits: Type.Optional(Type.Record(Type.String(), QuantitySchema, { description: 'maximum resources, e.g. {memory: 2Gi}' })),
  },
  { additionalProperties: false, description: 'container resource requests and limits' },
);

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

/** Reference to a Secret in the same namespace. */
export const LocalSecretReferenceSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 253, description: 'Secret name in the same namespace' }) },
  { additionalProperties: false },
);

/** Container resource requests and limits. */
export type ResourceRequirements = Static<typeof ResourceRequirementsSchema>;
/** A Pod toleration. */
export type Toleration = Static<typeof TolerationSchema>;
