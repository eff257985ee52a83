// Entry point of the dashboard image: `node dashboard/src/main.ts` (settings in dashboard/README.md).
import { describeError, isBadInput } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { createDashboardApp } from './app.ts';
import { parseDashboardConfig, type DashboardConfig } from './config.ts';
import { startDashboardServer } from './http-server.ts';
import { tokenFileSource } from './targets.ts';

const config = configFromEnvOrExit();
const logger = createLogger({ name: 'dashboard', level: config.logLevel });
const targets = config.targets.map(({ name, url, tokenFile }) => ({ name, url, token: tokenFileSource(tokenFile, { maxAgeMs: config.tokenReloadMs, now: Date.now }) }));
if (targets.length === 0) logger.warn('no targets configured: set DASHBOARD_TARGETS or DASHBOARD_TARGET_URL');
const app = createDashboardApp({ targets, logger, upstreamTimeoutMs: config.upstreamTimeoutMs });
const dashboard = await startDashboardServer({ app, host: config.host, port: config.port }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not listen');
  process.exit(1);
});
logger.info({ url: dashboard.url, targets: config.targets.map(({ name, url }) => ({ name, url })) }, 'listening');

async function shutdown(signal: string): Promise<void> {
  logger.info({ signal }, 'shutting down');
  await dashboard.close(5_000);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

function configFromEnvOrExit(): Readonly<DashboardConfig> {
  try {
    return parseDashboardConfig(process.env);
  } catch (error) {
    process.stderr.write(`mur-dashboard: ${describeError(error)}\n`);
    process.exit(isBadInput(error) ? 2 : 1);
  }
}
