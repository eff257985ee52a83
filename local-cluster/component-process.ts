/**
 * One control plane component as a child process: its output goes to a log file and a ring of recent lines,
 * and an exit nobody asked for is reported with those lines, so a test can say why the cluster broke.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';

/** How a component ended without being asked to. */
export interface ComponentFailure {
  readonly component: string;
  readonly exit: string;
  readonly lastLines: readonly string[];
}

/** A running component. */
export interface ComponentProcess {
  readonly name: string;
  readonly pid: number;
  /** The most recent output lines (at most 60). */
  lastLines(): string[];
  /** True until the process has exited. */
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<void>;
}

/** Options of startComponent. */
export interface ComponentOptions {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** Folder for `<name>.log` and the pid list the reaper reads. */
  readonly dir: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called once if the process exits before stop() was called. */
  readonly onUnexpectedExit?: (failure: ComponentFailure) => void;
}

const KEPT_LINES = 60;

/** Start a component; its pid is recorded in `<dir>/pids` so the reaper can end it if this process dies. */
export function startComponent(options: ComponentOptions): ComponentProcess {
  const log = createWriteStream(join(options.dir, `${options.name}.log`), { flags: 'a' });
  const lines: string[] = [];
  let partial = '';
  let stopping = false;
  const child: ChildProcess = spawn(options.binary, options.args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${options.name}: could not start ${options.binary}`);
  appendFileSync(join(options.dir, 'pids'), `${child.pid}\n`);
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    const text = partial + chunk.toString();
    const split = text.split('\n');
    partial = split.pop() ?? '';
    lines.push(...split);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    // 'close' comes after the output pipes are drained ('exit' may come before), and the log is flushed
    // before anyone is told: a reader of the log after `exited` sees the last lines.
    child.once('close', (code, signal) => {
      log.end(() => {
        if (!stopping) options.onUnexpectedExit?.({ component: options.name, exit: signal ? `signal ${signal}` : `code ${code}`, lastLines: [...lines, partial].filter(Boolean) });
        resolve();
      });
    });
  });
  return {
    name: options.name,
    pid: child.pid,
    lastLines: () => [...lines, partial].filter(Boolean),
    running: () => child.exitCode === null && child.signalCode === null,
    exited,
    async stop(graceMs = 5_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
