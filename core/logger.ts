import { pino, type Logger, type DestinationStream } from 'pino';

/** The platform's logger type (pino). */
export type { Logger } from 'pino';

/** Options for createLogger: name of the component, level, and where the JSON lines go. */
export interface LoggerOptions {
  /** The component, logged as `name` on every line (unless `fields` replaces the default fields). */
  readonly name: string;
  readonly level?: string;
  /** File descriptor (1 stdout, 2 stderr) or a stream; defaults to stdout. */
  readonly destination?: number | DestinationStream;
  /** Write a file descriptor synchronously (the default) or buffered and flushed on exit, for a busy server. */
  readonly sync?: boolean;
  /** Fixed fields on every line in place of pino's `name`, `pid` and `hostname`. */
  readonly fields?: Readonly<Record<string, unknown>>;
  /**
   * What a `token` field holds: a secret (the default: hidden) or the name of the API token a request
   * presented (the inference service's request lines), which is logged so operators can tell callers apart.
   */
  readonly tokenField?: 'secret' | 'name';
}

/**
 * Log fields that may hold credentials, hidden on every logger whatever a caller passes in: bearer headers
 * (also under `headers`) and object-storage secrets, at the top level and one level down.
 */
export const REDACTED_LOG_PATHS: readonly string[] = Object.freeze(['authorization', '*.authorization', 'req.headers.authorization', 'secretKey', '*.secretKey', 'token.value']);

/** `token` fields, hidden too unless the component logs API token names there ({@link LoggerOptions.tokenField}). */
const TOKEN_LOG_PATHS: readonly string[] = ['token', '*.token'];

/** One pino JSON logger per process; components take child loggers with their own bindings. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? 1;
  const stream = typeof destination === 'number' ? pino.destination({ dest: destination, sync: options.sync ?? true }) : destination;
  return pino(
    {
      ...(options.fields ? { base: { ...options.fields } } : { name: options.name }),
      level: options.level ?? 'info',
      redact: { paths: [...REDACTED_LOG_PATHS, ...(options.tokenField === 'name' ? [] : TOKEN_LOG_PATHS)], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}
