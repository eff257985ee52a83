/**
 * The operator process: parse configuration once, wire the operator, serve probes and metrics, handle SIGTERM.
 * Kubernetes access comes from the in-cluster service account, or KUBECONFIG outside a cluster.
 */
import { serve } from '@hono/node-server';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '../core/logger.ts';
import { describeError } from '../core/errors.ts';
import { parseOperatorConfig } from './config.ts';
import { createHealthApp } from './health-server.ts';
import { createOperator } from './operator.ts';

let config;
try {
  config = parseOperatorConfig(process.env);
} catch (error) {
  console.error(`make-us-rich operator: ${describeError(error)}`);
  process.exit(2);
}
const log = createLogger({ name: 'make-us-rich-operator', level: config.logLevel });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();

const operator = createOperator({
  config,
  kubeConfig,
  log,
  podEnv: process.env,
  onLostLeadership: () => {
    log.error('leadership lost; exiting so a fresh process campaigns again');
    process.exit(1);
  },
});
const server = serve({ fetch: createHealthApp({ healthy: operator.healthy, ready: operator.ready, registry: operator.metrics.registry }).fetch, port: config.httpPort, hostname: '0.0.0.0' }, (info) => {
  log.info({ port: info.port }, 'serving /healthz, /readyz and /metrics');
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await operator.stop();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

operator.start().catch((error: unknown) => {
  log.fatal({ err: error }, 'operator failed to start');
  process.exit(1);
});
