// Entry point of the dashboard image: `node dashboard/src/main.ts` (settings in dashboard/README.md).
import { KubeConfig } from '@kubernetes/client-node';
import { parseConfigOrExit } from '../../core/config-or-exit.ts';
import { createLogger } from '../../core/logger.ts';
import { handleShutdownSignals } from '../../core/shutdown.ts';
import { createDashboardApp } from './app.ts';
import { parseDashboardConfig, type DashboardConfig } from './config.ts';
import { watchForecastModels, type ForecastModelWatch } from './discovery/forecast-model-watch.ts';
import { startDashboardServer } from './http-server.ts';
import { tokenFileSource } from './targets.ts';

const config = parseConfigOrExit('mur-dashboard', () => parseDashboardConfig(process.env));
const logger = createLogger({ name: 'dashboard', level: config.logLevel });
const targets = config.targets.map(({ name, url, tokenFile }) => ({ name, url, token: tokenFileSource(tokenFile, { maxAgeMs: config.tokenReloadMs, now: Date.now }) }));
if (targets.length === 0 && !config.discovery) logger.warn('no targets configured: set DASHBOARD_TARGETS, DASHBOARD_TARGET_URL or DASHBOARD_DISCOVERY_NAMESPACES');
const watch = config.discovery ? startDiscovery(config.discovery) : undefined;
const discovery = watch && config.discovery ? { models: () => watch.models(), token: tokenFileSource(config.discovery.tokenFile, { maxAgeMs: config.tokenReloadMs, now: Date.now }) } : undefined;
const app = createDashboardApp({ targets, ...(discovery ? { discovery } : {}), logger, upstreamTimeoutMs: config.upstreamTimeoutMs });
const dashboard = await startDashboardServer({ app, host: config.host, port: config.port }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not listen');
  process.exit(1);
});
logger.info({ url: dashboard.url, targets: config.targets.map(({ name, url }) => ({ name, url })) }, 'listening');

handleShutdownSignals({
  log: logger,
  message: 'shutting down',
  stop: async () => {
    await Promise.all([dashboard.close(5_000), watch?.stop()]);
  },
});

/** Watch ForecastModels with the in-cluster ServiceAccount, or KUBECONFIG outside a cluster; serving starts without waiting. */
function startDiscovery(settings: NonNullable<DashboardConfig['discovery']>): ForecastModelWatch {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const forecastModels = watchForecastModels({ kubeConfig, namespaces: settings.namespaces, log: logger });
  forecastModels.start().then(
    () => logger.info({ namespaces: settings.namespaces, forecastModels: forecastModels.models().length }, 'ForecastModel discovery started'),
    (error: unknown) => logger.error({ err: error }, 'ForecastModel discovery could not start'),
  );
  return forecastModels;
}
