import { pino, type Logger, type DestinationStream } from 'pino';

/** The platform's logger type (pino). */
export type { Logger } from 'pino';

/** Options for createLogger: name of the component, level, and where the JSON lines go. */
export interface LoggerOptions {
  readonly name: string;
  readonly level?: string;
  /** File descriptor (1 stdout, 2 stderr) or a stream; defaults to stdout. */
  readonly destination?: number | DestinationStream;
}

/** One pino JSON logger per process; components take child loggers with their own bindings. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? 1;
  const stream = typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination;
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      // Never let credentials reach a log line, whatever a caller passes in.
      redact: { paths: ['authorization', 'token', '*.authorization', '*.token', 'secretKey', '*.secretKey', 'req.headers.authorization'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}
