/** Child processes of images:verify: run to completion with their output kept, or started in the background. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync, type WriteStream } from 'node:fs';

/** How a finished command ended; `output` is stdout and stderr interleaved. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly output: string;
}

/** A command that exited non-zero, with the end of what it printed. */
export class CommandError extends Error {
  constructor(what: string, result: CommandResult, tailLines = 60) {
    const ending = result.signal ? `signal ${result.signal}` : `exit ${result.code}`;
    super(`${what} failed (${ending})\n${lastLines(result.output, tailLines)}`);
    this.name = 'CommandError';
  }
}

/** The last `count` non-empty lines of a text. */
export function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

const running = new Set<ChildProcess>();

/** Stop every child still running (on a signal, before cleaning up). */
export function stopRunningChildren(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of running) child.kill(signal);
}

/** Run to completion; output goes to `logFile` too when given. Rejects with CommandError unless it exits 0. */
export async function runCommand(what: string, command: string, args: readonly string[], options: { logFile?: string; input?: string } = {}): Promise<CommandResult> {
  const result = await collect(spawnTracked(command, args, options.input !== undefined), options.logFile, options.input);
  if (result.code !== 0) throw new CommandError(what, result);
  return result;
}

/** Run to completion and return how it ended, whatever the exit code. */
export async function runCommandUnchecked(command: string, args: readonly string[]): Promise<CommandResult> {
  return collect(spawnTracked(command, args, false), undefined, undefined);
}

/** A background process whose output goes to a log file. */
export interface BackgroundProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<CommandResult>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<CommandResult>;
  hasExited(): boolean;
}

/** Start a long-running command (a server inside a container). */
export function startBackground(command: string, args: readonly string[], logFile: string): BackgroundProcess {
  const child = spawnTracked(command, args, false);
  let done = false;
  const exited = collect(child, logFile, undefined).finally(() => {
    done = true;
  });
  return {
    pid: child.pid,
    exited,
    hasExited: () => done,
    async stop(graceMs) {
      if (!done) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      return exited;
    },
  };
}

function spawnTracked(command: string, args: readonly string[], withInput: boolean): ChildProcess {
  const child = spawn(command, args, { stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('close', () => running.delete(child));
  return child;
}

function collect(child: ChildProcess, logFile: string | undefined, input: string | undefined): Promise<CommandResult> {
  const log: WriteStream | undefined = logFile === undefined ? undefined : createWriteStream(logFile, { flags: 'a' });
  let stdout = '';
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    output += chunk;
    log?.write(chunk);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    log?.write(chunk);
  });
  if (input !== undefined) child.stdin?.end(input);
  return new Promise((resolve) => {
    let finished = false;
    // 'error' (the command could not start) may be followed by 'close': the first one decides.
    const finish = (result: CommandResult) => {
      if (finished) return;
      finished = true;
      if (log) log.end(() => resolve(result));
      else resolve(result);
    };
    child.once('error', (error) => finish({ code: null, signal: null, stdout, output: `${output}${error.message}\n` }));
    child.once('close', (code, signal) => finish({ code, signal, stdout, output }));
  });
}

/** Parent pid of each process, from /proc/<pid>/stat (the command name may hold spaces, so read after its ')'). */
export function parentPids(statTexts: ReadonlyMap<number, string>): Map<number, number> {
  const parents = new Map<number, number>();
  for (const [pid, stat] of statTexts) {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    if (Number.isInteger(parent)) parents.set(pid, parent);
  }
  return parents;
}

/** The newest process at the bottom of `pid`'s tree: what a wrapper such as `buildah run` ends up executing. */
export function deepestDescendant(pid: number, parents: ReadonlyMap<number, number>): number {
  let current = pid;
  for (;;) {
    const children = [...parents].filter(([, parent]) => parent === current).map(([child]) => child);
    if (children.length === 0) return current;
    current = Math.max(...children);
  }
}

/** Every process's /proc/<pid>/stat text (processes that end while being read are skipped). */
export function readProcStats(): Map<number, string> {
  const stats = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      stats.set(Number(name), readFileSync(`/proc/${name}/stat`, 'utf8'));
    } catch {
      // gone already
    }
  }
  return stats;
}
