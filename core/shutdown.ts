/** Log sink of {@link handleShutdownSignals} (a pino logger fits). */
export interface ShutdownLog {
  info(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownOptions {
  readonly log: ShutdownLog;
  /** Stop taking work, drain, release resources; the process exits 0 when it resolves and 1 when it rejects. */
  readonly stop: (signal: NodeJS.Signals) => Promise<void>;
  /** Logged with the signal when shutdown begins, e.g. "shutting down". */
  readonly message: string;
  /** Exit 1 after this many milliseconds whatever `stop` is doing, so the process is gone before the kubelet's grace period ends. */
  readonly deadlineMs?: number;
  readonly signals?: readonly NodeJS.Signals[];
  /** The process to listen on and exit; injectable so tests need not send real signals. */
  readonly process?: Pick<NodeJS.Process, 'on' | 'exit'>;
}

/**
 * Shut the process down on SIGTERM or SIGINT: log, run `stop` once, exit 0 (1 if it failed or overran the
 * deadline). Returns the handler, so a caller can start the same shutdown for another reason.
 */
export function handleShutdownSignals(options: ShutdownOptions): (signal: NodeJS.Signals) => Promise<void> {
  const host = options.process ?? process;
  let stopping = false;
  async function shutdown(signal: NodeJS.Signals): Promise<void> {
    if (stopping) return;
    stopping = true;
    if (options.deadlineMs !== undefined) {
      setTimeout(() => {
        options.log.error({ signal }, 'shutdown overran its deadline; exiting');
        host.exit(1);
      }, options.deadlineMs).unref();
    }
    options.log.info({ signal }, options.message);
    try {
      await options.stop(signal);
    } catch (error) {
      options.log.error({ err: error }, 'shutdown failed');
      host.exit(1);
      return;
    }
    host.exit(0);
  }
  // `on`, not `once`: a repeated signal (an impatient Ctrl-C, a second SIGTERM) must not fall through to
  // Node's default handler, which would kill the process mid-drain; `stopping` makes repeats no-ops.
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) host.on(signal, () => void shutdown(signal));
  return shutdown;
}
