// Entry point of the inference service image: `node server-image/src/main.ts` (or `mur serve`).
import { parseConfigOrExit } from '../../core/config-or-exit.ts';
import { isBadInput } from '../../core/errors.ts';
import { handleShutdownSignals } from '../../core/shutdown.ts';
import packageJson from '../package.json' with { type: 'json' };
import { parseServerConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startInferenceService } from './service.ts';

const config = parseConfigOrExit('mur-server', () => parseServerConfig(process.env));
const logger = createLogger(config.logLevel);
const service = await startInferenceService({ config, logger, serverVersion: packageJson.version }).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start the inference service');
  process.exit(isBadInput(error) ? 2 : 1);
});

handleShutdownSignals({
  log: logger,
  message: 'shutting down: no new connections, draining in-flight requests',
  deadlineMs: config.shutdownTimeoutMs,
  stop: async () => {
    // Draining ends early enough to log and exit before the deadline.
    const { forced } = await service.shutdown(Math.max(0, config.shutdownTimeoutMs - 1_500));
    logger.info({ forced }, 'shut down');
  },
});
