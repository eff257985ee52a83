import { describeError, isBadInput } from './errors.ts';

/** Where {@link parseConfigOrExit} reports and exits; injectable so tests need not end their process. */
export interface ConfigExitHost {
  readonly stderr: { write(text: string): unknown };
  exit(code: number): never;
}

/**
 * Parse a process's configuration once at start. On failure print `program: reason` to stderr and exit 2
 * for a setting the user can fix (a BadInputError), 1 for anything else: nothing has started yet to clean up.
 */
export function parseConfigOrExit<T>(program: string, parse: () => T, host: ConfigExitHost = process): T {
  try {
    return parse();
  } catch (error) {
    host.stderr.write(`${program}: ${describeError(error)}\n`);
    return host.exit(isBadInput(error) ? 2 : 1);
  }
}
