/**
 * The operator process: parse configuration once, wire the operator, serve probes and metrics, handle SIGTERM.
 * Kubernetes access comes from the in-cluster service account, or KUBECONFIG outside a cluster.
 */
import { serve } from '@hono/node-server';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from '../core/logger.ts';
import { parseConfigOrExit } from '../core/config-or-exit.ts';
import { handleShutdownSignals } from '../core/shutdown.ts';
import { parseOperatorConfig } from './config.ts';
import { createHealthApp } from './health-server.ts';
import { createOperator } from './operator.ts';

const config = parseConfigOrExit('make-us-rich operator', () => parseOperatorConfig(process.env));
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

handleShutdownSignals({
  log,
  message: 'stopping',
  stop: async () => {
    await operator.stop();
    server.close();
  },
});

operator.start().catch((error: unknown) => {
  log.fatal({ err: error }, 'operator failed to start');
  process.exit(1);
});
