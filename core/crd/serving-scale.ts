import Type, { type Static } from 'typebox';

/** spec.serving.autoscaling: a HorizontalPodAutoscaler (autoscaling/v2) on CPU for the inference Deployment. */
export const AutoscalingSchema = Type.Object(
  {
    minReplicas: Type.Integer({ minimum: 1, maximum: 50, default: 1, description: 'fewest inference pods; above one also gets a PodDisruptionBudget' }),
    maxReplicas: Type.Integer({ minimum: 1, maximum: 50, description: 'most inference pods' }),
    targetCPUUtilizationPercentage: Type.Integer({ minimum: 1, maximum: 100, default: 80, description: 'average CPU use, as a percentage of the CPU request, the autoscaler aims for' }),
  },
  {
    additionalProperties: false,
    description: 'scale the inference pods on CPU with a HorizontalPodAutoscaler; not with replicas',
    'x-kubernetes-validations': [
      // has(): the rule is also checked before defaults apply; a missing minReplicas defaults to 1.
      { rule: '!has(self.minReplicas) || self.minReplicas <= self.maxReplicas', fieldPath: '.minReplicas', message: 'minReplicas must not exceed maxReplicas' },
    ],
  },
);

/** CEL rules of spec.serving, checked by the API server on every write. */
export function servingRules() {
  return [
    {
      rule: '!(has(self.replicas) && has(self.autoscaling))',
      fieldPath: '.replicas',
      message: 'spec.serving.replicas and spec.serving.autoscaling are mutually exclusive: remove replicas to autoscale, or autoscaling to pin the count',
    },
  ];
}

/** spec.serving.autoscaling with defaults applied. */
export type Autoscaling = Static<typeof AutoscalingSchema>;
