import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';

/** The context, cluster and user name used in the generated kubeconfig. */
export const KUBECONFIG_CONTEXT = 'fake-kube';

/**
 * Writes a kubeconfig for `serverUrl` into `directory` and returns its path. Plain HTTP, a static
 * bearer token (the fake server does not check it), and `default` as the context namespace.
 */
export async function writeKubeconfig(directory: string, serverUrl: string): Promise<string> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain HTTP unless TLS verification is declared skipped; kubectl ignores it for http.
    clusters: [{ name: KUBECONFIG_CONTEXT, cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: KUBECONFIG_CONTEXT, user: { token: 'fake-kube-token' } }],
    contexts: [{ name: KUBECONFIG_CONTEXT, context: { cluster: KUBECONFIG_CONTEXT, user: KUBECONFIG_CONTEXT, namespace: 'default' } }],
    'current-context': KUBECONFIG_CONTEXT,
    preferences: {},
  };
  const path = join(directory, 'kubeconfig.yaml');
  await writeFile(path, stringifyYaml(config), { mode: 0o600 });
  return path;
}
