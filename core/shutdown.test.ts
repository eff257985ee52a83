import { afterEach, describe, expect, it, vi } from 'vitest';
import { handleShutdownSignals, type ShutdownLog } from './shutdown.ts';

/** A stand-in process recording its signal listeners and exit codes. */
function fakeProcess() {
  const listeners = new Map<string, (() => void)[]>();
  const exits: number[] = [];
  const host = {
    on(event: string, listener: () => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return host;
    },
    exit(code?: number) {
      exits.push(code ?? 0);
    },
  };
  return { host: host as unknown as Pick<NodeJS.Process, 'on' | 'exit'>, exits, signal: (name: string) => listeners.get(name)?.forEach((listener) => listener()) };
}

function recordingLog(): ShutdownLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_details, message) => void lines.push(message), error: (_details, message) => void lines.push(message) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('handleShutdownSignals', () => {
  it('stops once on SIGTERM, ignores a repeated signal, and exits 0', async () => {
    const { host, exits, signal } = fakeProcess();
    const log = recordingLog();
    const stop = Promise.withResolvers<void>();
    let stops = 0;
    handleShutdownSignals({ log, message: 'shutting down', process: host, stop: () => (stops++, stop.promise) });
    signal('SIGTERM');
    signal('SIGINT');
    signal('SIGTERM');
    expect(stops).toBe(1);
    expect(exits).toEqual([]);
    stop.resolve();
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(log.lines).toEqual(['shutting down']);
  });

  it('exits 1 when stopping fails', async () => {
    const { host, exits, signal } = fakeProcess();
    const log = recordingLog();
    handleShutdownSignals({ log, message: 'stopping', process: host, stop: () => Promise.reject(new Error('drain failed')) });
    signal('SIGINT');
    await vi.waitFor(() => expect(exits).toEqual([1]));
    expect(log.lines).toEqual(['stopping', 'shutdown failed']);
  });

  it('exits 1 when stopping overruns the deadline', () => {
    vi.useFakeTimers();
    const { host, exits, signal } = fakeProcess();
    const log = recordingLog();
    handleShutdownSignals({ log, message: 'draining', deadlineMs: 10_000, process: host, stop: () => new Promise<void>(() => {}) });
    signal('SIGTERM');
    vi.advanceTimersByTime(9_999);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
    expect(log.lines).toEqual(['draining', 'shutdown overran its deadline; exiting']);
  });
});
