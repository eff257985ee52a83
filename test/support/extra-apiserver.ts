/**
 * A test's own kube-apiserver on the run's shared etcd (see startControlServer in test/cluster/global-setup.ts):
 * restart it, or cut it off, without disturbing the test files running beside this one.
 */
import { join } from 'node:path';
import type { ClusterTestContext } from '../cluster/global-setup.ts';

/** An extra apiserver a test owns. */
export interface TestApiServer {
  readonly server: string;
  readonly caPem: string;
  /** Its own audit log (the operator's namespace's service accounts). */
  readonly auditLogPath: string;
  /** Stop and start it on the same port; resolves once it answers /readyz again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function expect204(response: Response, what: string): Promise<void> {
  if (response.status !== 204) throw new Error(`${what}: ${response.status} ${await response.text()}`);
}

/** Ask the global setup for an extra kube-apiserver. */
export async function startTestApiServer(cluster: ClusterTestContext): Promise<TestApiServer> {
  const response = await fetch(`${cluster.controlUrl}/apiservers`, { method: 'POST' });
  if (response.status !== 201) throw new Error(`could not start an extra kube-apiserver: ${response.status} ${await response.text()}`);
  const { id, server, caPem } = (await response.json()) as { id: string; server: string; caPem: string };
  return {
    server,
    caPem,
    auditLogPath: join(cluster.dir, `audit-${id}.log`),
    restart: async () => expect204(await fetch(`${cluster.controlUrl}/apiservers/${id}/restart`, { method: 'POST' }), 'restart the extra kube-apiserver'),
    stop: async () => expect204(await fetch(`${cluster.controlUrl}/apiservers/${id}`, { method: 'DELETE' }), 'stop the extra kube-apiserver'),
  };
}
