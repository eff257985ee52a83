/** Start a built image the way Kubernetes would (its entrypoint, its non-root user) and check that it works. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../local-cluster/net.ts';
import { runArgs, storageArgs, type Mount, type StorageLocation } from './buildah-args.ts';
import type { CommandSmokeCheck, Fixture, HttpSmokeCheck, ImageEntry } from './image-table.ts';
import { hostPathOf } from './fixtures.ts';
import { deepestDescendant, lastLines, parentPids, readProcStats, runCommand, startBackground, type BackgroundProcess, type CommandResult } from './processes.ts';

/** What a smoke check works with. */
export interface SmokeContext {
  readonly storage: StorageLocation;
  readonly entry: ImageEntry;
  readonly image: string;
  readonly workDir: string;
  readonly fixtures: Readonly<Record<Fixture, Mount>>;
  readonly log: (line: string) => void;
  /** How long a server may take to answer as expected (a cold vfs container on a busy machine is slow). */
  readonly startTimeoutMs: number;
}

/** The outcome of one image's check, with the size of its installed dependencies measured in the same container. */
export interface SmokeOutcome {
  readonly passed: boolean;
  readonly detail: string;
  readonly nodeModulesBytes: number | undefined;
}

/** The entrypoint and user an image declares (its OCI config). */
export interface ImageRuntime {
  readonly entrypoint: readonly string[];
  readonly user: string;
}

/** Read the entrypoint and user from `buildah inspect` output; an image that would run as root is refused. */
export function imageRuntime(inspectJson: string): ImageRuntime {
  const config = (JSON.parse(inspectJson) as { OCIv1?: { config?: { Entrypoint?: string[]; User?: string } } }).OCIv1?.config;
  const entrypoint = config?.Entrypoint ?? [];
  const user = config?.User ?? '';
  if (entrypoint.length === 0) throw new Error('the image declares no ENTRYPOINT');
  if (user === '' || /^(0|root)(:|$)/.test(user)) throw new Error(`the image runs as "${user || 'root'}": its Dockerfile must end with a non-root USER`);
  return { entrypoint, user };
}

/** Create a working container, run the image's check in it, measure /app/node_modules, and always remove it. */
export async function runSmokeCheck(context: SmokeContext): Promise<SmokeOutcome> {
  const buildah = (what: string, args: string[]) => runCommand(what, 'buildah', [...storageArgs(context.storage), ...args]);
  const runtime = imageRuntime((await buildah('buildah inspect', ['inspect', '--type', 'image', context.image])).stdout);
  const container = (await buildah('buildah from', ['from', '--pull=never', '--name', `mur-verify-${context.entry.name}-${process.pid}`, context.image])).stdout.trim();
  try {
    const smoke = context.entry.smoke;
    const result = smoke.kind === 'commands' ? await runCommands(context, smoke, container, runtime) : await serveAndProbe(context, smoke, container, runtime);
    return { ...result, nodeModulesBytes: await nodeModulesBytes(context, container) };
  } finally {
    await buildah(`remove ${container}`, ['rm', container]);
  }
}

function mountsOf(context: SmokeContext, fixtures: readonly Fixture[], readOnly: boolean): Mount[] {
  return fixtures.map((fixture) => ({ ...context.fixtures[fixture], readOnly: readOnly || context.fixtures[fixture].readOnly }));
}

async function runCommands(context: SmokeContext, smoke: CommandSmokeCheck, container: string, runtime: ImageRuntime): Promise<Omit<SmokeOutcome, 'nodeModulesBytes'>> {
  const mounts = mountsOf(context, smoke.fixtures, false);
  const logFile = join(context.workDir, `${context.entry.name}-smoke.log`);
  for (const args of smoke.runs) {
    const command = [...runtime.entrypoint, ...args];
    context.log(`${context.entry.name}: ${command.join(' ')}`);
    try {
      await runCommand(command.join(' '), 'nice', ['-n', '10', 'buildah', ...runArgs(context.storage, { container, user: runtime.user, env: smoke.env, mounts, command })], { logFile });
    } catch (error) {
      return { passed: false, detail: (error as Error).message };
    }
  }
  const missing = smoke.expectFiles.filter((file) => {
    const hostPath = hostPathOf(file, mounts);
    return hostPath === undefined || !existsSync(hostPath);
  });
  if (missing.length > 0) return { passed: false, detail: `the runs exited 0 but left no ${missing.join(', ')}` };
  return { passed: true, detail: `${smoke.runs.length} runs exited 0 and wrote ${smoke.expectFiles.join(', ')}` };
}

async function serveAndProbe(context: SmokeContext, smoke: HttpSmokeCheck, container: string, runtime: ImageRuntime): Promise<Omit<SmokeOutcome, 'nodeModulesBytes'>> {
  const port = await freePort();
  const logFile = join(context.workDir, `${context.entry.name}-smoke.log`);
  const env = { ...smoke.env, [smoke.portEnv]: String(port) };
  const args = runArgs(context.storage, { container, user: runtime.user, env, mounts: mountsOf(context, smoke.fixtures, true), command: runtime.entrypoint });
  context.log(`${context.entry.name}: ${runtime.entrypoint.join(' ')} on 127.0.0.1:${port}`);
  const server = startBackground('nice', ['-n', '10', 'buildah', ...args], logFile);
  const deadline = Date.now() + context.startTimeoutMs;
  const answers: string[] = [];
  try {
    for (const [path, expected] of Object.entries(smoke.expect)) {
      const answer = await waitForStatus(`http://127.0.0.1:${port}${path}`, expected, deadline, () => server.hasExited());
      answers.push(`${path} ${answer.status ?? answer.error}`);
      if (answer.status !== expected) {
        const within = server.hasExited() ? '' : ` within ${Math.round(context.startTimeoutMs / 1000)} s`;
        const output = lastLines((await server.stop(15_000)).output, 30);
        return { passed: false, detail: `${path} answered ${answer.status ?? answer.error}, expected ${expected}${within}\n${output}` };
      }
    }
    // Kubernetes stops a pod with SIGTERM to its entrypoint, which must then exit by itself, cleanly. buildah run
    // kills its child on a signal rather than passing it on, so the signal goes to the entrypoint's process.
    const stopped = await terminateEntrypoint(server, SHUTDOWN_GRACE_MS);
    if (stopped === undefined) return { passed: false, detail: `answered ${answers.join(', ')} but was still running ${SHUTDOWN_GRACE_MS / 1000} s after SIGTERM` };
    if (stopped.code !== 0) return { passed: false, detail: `answered ${answers.join(', ')} but exited ${stopped.signal ?? stopped.code} on SIGTERM\n${lastLines(stopped.output, 30)}` };
    return { passed: true, detail: `answered ${answers.join(', ')} and exited 0 on SIGTERM` };
  } finally {
    await server.stop(5_000);
  }
}

/** Kubernetes' default grace period is 30 s; the images promise to be gone well within it. */
const SHUTDOWN_GRACE_MS = 20_000;

/** SIGTERM the process `buildah run` executes; undefined when it has not exited within `graceMs`. */
async function terminateEntrypoint(server: BackgroundProcess, graceMs: number): Promise<CommandResult | undefined> {
  if (server.pid === undefined || server.hasExited()) return server.exited;
  const entrypoint = deepestDescendant(server.pid, parentPids(readProcStats()));
  if (entrypoint === server.pid) throw new Error('buildah run has no child process to signal');
  process.kill(entrypoint, 'SIGTERM');
  const timeout = new AbortController();
  const ended = await Promise.race([server.exited, sleep(graceMs, undefined, { signal: timeout.signal }).then(() => undefined, () => undefined)]);
  timeout.abort();
  return ended;
}

async function waitForStatus(url: string, expected: number, deadline: number, exited: () => boolean): Promise<{ status?: number; error?: string }> {
  let last: { status?: number; error?: string } = { error: 'no answer' };
  while (Date.now() < deadline && !exited()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      last = { status: response.status };
      if (response.status === expected) return last;
    } catch (error) {
      last = { error: `no answer (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})` };
    }
    await sleep(500);
  }
  return exited() ? { error: `no ${expected}: the process exited (last: ${last.status ?? last.error})` } : last;
}

async function nodeModulesBytes(context: SmokeContext, container: string): Promise<number | undefined> {
  const mountPoint = (await runCommand('buildah mount', 'buildah', [...storageArgs(context.storage), 'mount', container])).stdout.trim();
  try {
    const path = join(mountPoint, 'app', 'node_modules');
    if (!existsSync(path)) return undefined;
    const du = await runCommand('du', 'du', ['-sb', path]);
    return Number.parseInt(du.stdout, 10);
  } finally {
    await runCommand('buildah umount', 'buildah', [...storageArgs(context.storage), 'umount', container]);
  }
}
