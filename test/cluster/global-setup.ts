/**
 * vitest global setup of the cluster suites: one real control plane per test run, the CRDs and the operator's
 * identity installed, its connection handed to every test file (`inject('controlPlane')`). At the end it
 * reports which of the operator's RBAC rules no test exercised, and fails the run if the operator was ever
 * refused (403) or a component died.
 */
import { createServer } from 'node:http';
import type { TestProject } from 'vitest/node';
import { operatorClusterRules, operatorNamespaceRules } from '../../operator/rbac.ts';
import { adminRest, installCrds, installOperatorIdentity, OPERATOR_IDENTITY } from './bootstrap.ts';
import { readControlPlaneFailure, startControlPlane, type ControlPlaneConnection } from './control-plane.ts';
import { rbacCoverage } from './rbac-coverage.ts';

/** Process kubelet node names with tokens: one per vitest worker (VITEST_POOL_ID), and a GPU node each. */
export const TEST_NODE_NAMES = [1, 2, 3, 4].flatMap((id) => [`mur-node-${id}`, `mur-gpu-node-${id}`]);

/** What every cluster test file receives. */
export interface ClusterTestContext extends ControlPlaneConnection {
  /** Bearer token of the operator's ServiceAccount (make-us-rich/make-us-rich-operator). */
  readonly operatorToken: string;
  /** `POST <controlUrl>/restart-apiserver` restarts kube-apiserver (the test workers do not own the processes). */
  readonly controlUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ClusterTestContext;
  }
}

let control: ReturnType<typeof createServer> | undefined;

/** A loopback endpoint through which a test asks for a kube-apiserver restart; one restart at a time. */
async function startControlServer(restartApiServer: () => Promise<void>): Promise<string> {
  let restarting: Promise<void> | undefined;
  control = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/restart-apiserver') {
      response.writeHead(404).end();
      return;
    }
    restarting ??= restartApiServer().finally(() => (restarting = undefined));
    restarting.then(
      () => response.writeHead(204).end(),
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
    const { kubeconfig: _kubeconfig, restartApiServer: _restart, logs: _logs, cpuSeconds: _cpu, stop: _stop, ...connection } = plane;
    const controlUrl = await startControlServer(plane.restartApiServer);
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
    const coverage = rbacCoverage(plane.auditLogPath, user, [...operatorClusterRules({ s3SecretName: 'mur-s3' }), ...operatorNamespaceRules()]);
    await plane.stop();
    console.log(`operator RBAC: ${coverage.requests} audited requests; rules no test exercised: ${coverage.unexercised.length > 0 ? coverage.unexercised.join(', ') : 'none'}`);
    if (failure) throw new Error(`a control plane component died during the run:\n${failure}`);
    if (coverage.forbidden.length > 0) throw new Error(`the operator was refused by RBAC: ${coverage.forbidden.join(', ')}`);
  };
}
