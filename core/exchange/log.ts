/**
 * The slice of a logger the exchange code writes to; a pino logger satisfies it as is,
 * so core stays free of a logging dependency.
 */
export interface ExchangeLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** A log that drops everything, for callers that pass none. */
export const SILENT_LOG: ExchangeLog = { info() {}, warn() {} };
