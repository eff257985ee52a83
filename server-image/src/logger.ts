import type { DestinationStream } from 'pino';
import { createLogger as createPlatformLogger, type Logger } from '../../core/logger.ts';

/** The service's JSON logger. `destination` defaults to stdout (tests pass a stream to read lines back). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  // Buffered: the request path must not wait on stdout; pino flushes the buffer on exit.
  return createPlatformLogger({ name: 'mur-server', level, sync: false, fields: { service: 'mur-server' }, tokenField: 'name', ...(destination ? { destination } : {}) });
}
