// Entry point of the inference service image: `node server-image/src/main.ts` (or `mur serve`).
import { describeError, isBadInput } from '../../core/errors.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { parseServerConfig, type ServerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startInferenceService } from './service.ts';

const config = configFromEnvOrExit();
const logger = createLogger(config.logLevel);
const service = await startInferenceService({ config, logger, serverVersion: packageJson.version }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start the inference service');
  process.exit(isBadInput(error) ? 2 : 1);
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Whatever happens while draining, the process is gone before the kubelet's grace period ends.
  setTimeout(() => {
    logger.error({ signal }, 'shutdown overran its deadline; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs).unref();
  logger.info({ signal }, 'shutting down: no new connections, draining in-flight requests');
  try {
    const { forced } = await service.shutdown(Math.max(0, config.shutdownTimeoutMs - 1_500));
    logger.info({ forced }, 'shut down');
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
// `on`, not `once`: a repeated signal (an impatient Ctrl-C, a second SIGTERM) must not fall through to
// Node's default handler, which would kill the process mid-drain; `stopping` makes repeats no-ops.
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

function configFromEnvOrExit(): Readonly<ServerConfig> {
  try {
    return parseServerConfig(process.env);
  } catch (error) {
    process.stderr.write(`mur-server: ${describeError(error)}\n`);
    process.exit(isBadInput(error) ? 2 : 1);
  }
}
