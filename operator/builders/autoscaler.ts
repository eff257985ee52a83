import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { API_GROUP_VERSION, FORECAST_MODEL_NAMES } from '../../core/crd/group.ts';
import type { ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import { controllerReference, type ForecastModelObject } from '../kube/objects.ts';
import { servingName } from '../naming.ts';
import { commonLabels, withDesiredHash } from './inference.ts';

/**
 * The autoscaling/v2 HorizontalPodAutoscaler of the inference Deployment, owned by the ForecastModel; only
 * while spec.serving.autoscaling is set. CPU utilization is measured against the container's CPU request.
 */
export function buildInferenceAutoscaler(fm: ForecastModelObject, spec: ResolvedForecastModelSpec): V2HorizontalPodAutoscaler | undefined {
  const autoscaling = spec.serving.autoscaling;
  if (!autoscaling) return undefined;
  const name = servingName(fm.metadata.name);
  return withDesiredHash<V2HorizontalPodAutoscaler>({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name,
      namespace: fm.metadata.namespace,
      labels: commonLabels(fm),
      ownerReferences: [controllerReference(fm, API_GROUP_VERSION, FORECAST_MODEL_NAMES.kind)],
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage } } }],
    },
  });
}
