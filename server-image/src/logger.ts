import { pino, type DestinationStream, type Logger } from 'pino';

/** The service's JSON logger. `destination` defaults to stdout (tests pass a stream to read lines back). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'mur-server' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Defence in depth: no code path logs headers or tokens, and these paths stay hidden if one ever does.
      redact: { paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'token.value'], censor: '[redacted]' },
    },
    destination,
  );
}
