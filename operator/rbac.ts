import { API_GROUP } from '../core/crd/group.ts';

/** One RBAC policy rule, as in a (Cluster)Role. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** Names the RBAC rules depend on. */
export interface RbacOptions {
  /** The Secret holding S3 credentials in each watched namespace; the operator reads it to clean up artifacts. */
  readonly s3SecretName: string;
}

/**
 * Every permission the operator uses in the namespaces it watches, and nothing more: no wildcards, and
 * Secrets only readable by name. `*\/finalizers` update is what lets owned objects set blockOwnerDeletion.
 * Deployments and Services are never deleted: they go with their ForecastModel by garbage collection.
 */
export function operatorClusterRules(options: RbacOptions): PolicyRule[] {
  return [
    { apiGroups: [API_GROUP], resources: ['forecastmodels'], verbs: ['list', 'watch'] },
    { apiGroups: [API_GROUP], resources: ['forecastmodels/status'], verbs: ['patch'] },
    { apiGroups: [API_GROUP], resources: ['forecastmodels/finalizers'], verbs: ['update'] },
    { apiGroups: [API_GROUP], resources: ['trainingruns'], verbs: ['list', 'watch', 'create', 'patch', 'delete'] },
    { apiGroups: [API_GROUP], resources: ['trainingruns/status'], verbs: ['patch'] },
    { apiGroups: [API_GROUP], resources: ['trainingruns/finalizers'], verbs: ['update'] },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create'] },
    // Trainer Pods are watched for the scheduler's verdict and listed for a finished trainer's termination message.
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch', 'create', 'update'] },
    { apiGroups: [''], resources: ['services'], verbs: ['list', 'watch', 'create', 'update'] },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list', 'watch', 'create', 'update', 'delete'] },
    // Deleted when spec.serving.autoscaling is removed, so a fixed replica count is not scaled away again.
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['list', 'watch', 'create', 'update', 'delete'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: [options.s3SecretName] },
  ];
}

/** Permissions in the operator's own namespace: the leader-election Lease. */
export function operatorNamespaceRules(): PolicyRule[] {
  return [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }];
}
