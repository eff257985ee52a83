/**
 * What a fresh control plane gets before anything of ours runs on it: the generated CRDs (created, and so
 * validated, by the real apiserver), the operator's namespace and ServiceAccount bound to exactly the RBAC
 * that operator/rbac.ts generates, and a token for that ServiceAccount.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { createKubeRest, isApiStatus, type KubeRest } from '../operator/kube/rest-client.ts';

/** Namespace and ServiceAccount the operator runs as in tests, as the chart installs it. */
export const OPERATOR_IDENTITY = { namespace: 'make-us-rich', serviceAccount: 'make-us-rich-operator' } as const;

const REPO = join(import.meta.dirname, '..');
const CRD_FILES = ['crds/forecastmodels.forecasting.makeusrich.io.yaml', 'crds/trainingruns.forecasting.makeusrich.io.yaml'];

/** An admin REST client from a kubeconfig file. */
export function adminRest(kubeconfigPath: string): KubeRest {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  return createKubeRest(config);
}

async function createOrKeep(rest: KubeRest, path: string, body: unknown): Promise<void> {
  try {
    await rest.create(path, body);
  } catch (error) {
    if (!isApiStatus(error, 409)) throw error;
  }
}

/** Create the CRDs and wait until the apiserver serves them; a CRD the apiserver refuses fails here with its message. */
export async function installCrds(rest: KubeRest, timeoutMs = 30_000): Promise<void> {
  const names: string[] = [];
  for (const file of CRD_FILES) {
    const crd = parse(readFileSync(join(REPO, file), 'utf8')) as { metadata: { name: string } };
    names.push(crd.metadata.name);
    try {
      await rest.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    } catch (error) {
      throw new Error(`the apiserver refused ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await rest.get<{ status?: { conditions?: { type: string; status: string; message?: string }[] } }>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions = crd.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
      const problem = conditions.find((c) => c.type === 'NonStructuralSchema' && c.status === 'True');
      if (problem) throw new Error(`CRD ${name} is not structural: ${problem.message}`);
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after ${timeoutMs} ms: ${JSON.stringify(conditions)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * The operator's namespace, ServiceAccount, the generated ClusterRole and leader-election Role (config/rbac,
 * the same rules the chart renders) and their bindings. Returns a token of the ServiceAccount.
 */
export async function installOperatorIdentity(rest: KubeRest): Promise<string> {
  const { namespace, serviceAccount } = OPERATOR_IDENTITY;
  await createOrKeep(rest, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
  await createOrKeep(rest, `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccount, namespace } });
  const clusterRole = parse(readFileSync(join(REPO, 'config/rbac/cluster-role.yaml'), 'utf8')) as { metadata: { name: string } };
  const leaseRole = parse(readFileSync(join(REPO, 'config/rbac/leader-election-role.yaml'), 'utf8')) as { metadata: { name: string } };
  await createOrKeep(rest, '/apis/rbac.authorization.k8s.io/v1/clusterroles', clusterRole);
  await createOrKeep(rest, `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, { ...leaseRole, metadata: { ...leaseRole.metadata, namespace } });
  const subjects = [{ kind: 'ServiceAccount', name: serviceAccount, namespace }];
  await createOrKeep(rest, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: clusterRole.metadata.name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.metadata.name },
    subjects,
  });
  await createOrKeep(rest, `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: leaseRole.metadata.name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaseRole.metadata.name },
    subjects,
  });
  return serviceAccountToken(rest, namespace, serviceAccount);
}

/** A token of a ServiceAccount from the TokenRequest API (what `kubectl create token` does), valid for a day. */
export async function serviceAccountToken(rest: KubeRest, namespace: string, name: string): Promise<string> {
  const answer = await rest.create<{ status: { token: string } }>(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 86_400 },
  });
  return answer.status.token;
}
