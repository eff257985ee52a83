/**
 * vitest global setup of the cluster suites: one real control plane per test run, the CRDs and the operator's
 * identity installed, its connection handed to every test file (`inject('controlPlane')`). At the end it
 * reports which of the operator's RBAC rules no test exercised, and fails the run if the operator was ever
 * refused (403) or a component died.
 */
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { operatorClusterRules, operatorNamespaceRules } from '../../operator/rbac.ts';
import { adminRest, installCrds, installOperatorIdentity, OPERATOR_IDENTITY } from '../../local-cluster/bootstrap.ts';
import { readControlPlaneFailure, startControlPlane, type ControlPlane, type ControlPlaneConnection, type ExtraApiServer } from '../../local-cluster/control-plane.ts';
import { rbacCoverage } from './rbac-coverage.ts';

/** Process kubelet node names with tokens: per vitest worker (VITEST_POOL_ID) a node, a GPU node and a spare. */
export const TEST_NODE_NAMES = [1, 2, 3, 4].flatMap((id) => [`mur-node-${id}`, `mur-gpu-node-${id}`, `mur-spare-node-${id}`]);

/** What every cluster test file receives. */
export interface ClusterTestContext extends ControlPlaneConnection {
  /** Bearer token of the operator's ServiceAccount (make-us-rich/make-us-rich-operator). */
  readonly operatorToken: string;
  /** Extra kube-apiservers for fault tests, through `<controlUrl>/apiservers` (see startControlServer). */
  readonly controlUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ClusterTestContext;
  }
}

let control: ReturnType<typeof createServer> | undefined;

/**
 * A loopback endpoint through which a test asks for its own extra kube-apiserver on the shared etcd, and
 * restarts or stops it: the processes belong to this process, and restarting the shared apiserver would
 * break the test files running beside it.
 *   POST /apiservers → 201 {id, server, caPem};  POST /apiservers/<id>/restart → 204;  DELETE /apiservers/<id> → 204
 */
async function startControlServer(plane: ControlPlane): Promise<string> {
  const extras = new Map<string, ExtraApiServer>();
  const handle = async (method: string, url: string): Promise<[number, string]> => {
    if (method === 'POST' && url === '/apiservers') {
      const extra = await plane.startExtraApiServer();
      const id = new URL(extra.server).port;
      extras.set(id, extra);
      return [201, JSON.stringify({ id, server: extra.server, caPem: extra.caPem })];
    }
    const match = /^\/apiservers\/(\d+)(\/restart)?$/.exec(url);
    const extra = match ? extras.get(match[1]!) : undefined;
    if (!extra) return [404, `no such apiserver: ${method} ${url}`];
    if (method === 'POST' && match![2]) await extra.restart();
    else if (method === 'DELETE' && !match![2]) {
      await extra.stop();
      extras.delete(match![1]!);
    } else return [405, `${method} ${url}`];
    return [204, ''];
  };
  control = createServer((request, response) => {
    handle(request.method ?? '', request.url ?? '').then(
      ([status, body]) => response.writeHead(status).end(body),
      (error: unknown) => response.writeHead(500).end(String((error as Error).message)),
    );
  });
  await new Promise<void>((resolve) => control!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(control.address() as { port: number }).port}`;
}

/** Start the control plane for the run; the returned function stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  const plane = await startControlPlane({ nodes: TEST_NODE_NAMES, auditNamespaces: [OPERATOR_IDENTITY.namespace] });
  try {
    const rest = adminRest(plane.adminKubeconfigPath);
    await installCrds(rest);
    const operatorToken = await installOperatorIdentity(rest);
    const { kubeconfig: _kubeconfig, restartApiServer: _restart, startExtraApiServer: _extra, logs: _logs, cpuSeconds: _cpu, stop: _stop, ...connection } = plane;
    const controlUrl = await startControlServer(plane);
    project.provide('controlPlane', { ...connection, operatorToken, controlUrl });
    console.log(`control plane: Kubernetes ${plane.kubernetesVersion} at ${plane.server}, ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${plane.dir})`);
  } catch (error) {
    await plane.stop();
    throw error;
  }

  return async () => {
    control?.close();
    const failure = readControlPlaneFailure(plane.failureFile);
    const user = `system:serviceaccount:${OPERATOR_IDENTITY.namespace}:${OPERATOR_IDENTITY.serviceAccount}`;
    const auditLogs = readdirSync(plane.dir).filter((file) => /^audit.*\.log$/.test(file)).map((file) => join(plane.dir, file));
    const coverage = rbacCoverage(auditLogs, user, [...operatorClusterRules({ s3SecretName: 'mur-s3' }), ...operatorNamespaceRules()]);
    // Extra apiservers are restarted on purpose, and answer 403 until their RBAC caches fill: the tests that
    // restart them check those answers themselves. The shared apiserver never restarts, so a 403 there is real.
    const refused = rbacCoverage([plane.auditLogPath], user, []).forbidden;
    await plane.stop();
    console.log(`operator RBAC: ${coverage.requests} audited requests; rules no test exercised: ${coverage.unexercised.length > 0 ? coverage.unexercised.join(', ') : 'none'}`);
    if (failure) throw new Error(`a control plane component died during the run:\n${failure}`);
    if (refused.length > 0) throw new Error(`the operator was refused by RBAC: ${refused.join(', ')}`);
  };
}
