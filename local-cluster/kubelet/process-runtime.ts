/** A runtime that runs the real entrypoints of our images as local Node processes. */
import { spawn } from 'node:child_process';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerStartError, type ContainerRuntime } from './container-runtime.ts';

/** How an image's entrypoint runs here: `node <entry> ...args`, relative to the repository root. */
export interface LocalImage {
  readonly entry: string;
  readonly args?: readonly string[];
}

/** Options of processRuntime. */
export interface ProcessRuntimeOptions {
  /** Added to every container's environment (after the pod's own, so it wins), e.g. the exchange mirror's URL. */
  readonly extraEnv?: Record<string, string>;
  /** More images, or replacements, keyed by the image repository's last path segment. */
  readonly images?: Record<string, LocalImage>;
}

/** The ENTRYPOINTs of the Dockerfile's image targets. */
const IMAGES: Readonly<Record<string, LocalImage>> = {
  trainer: { entry: 'trainer-image/src/main.ts' },
  server: { entry: 'server-image/src/main.ts' },
  operator: { entry: 'operator/main.ts' },
  dashboard: { entry: 'dashboard/src/main.ts' },
};

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const KEPT_OUTPUT_CHARS = 64 * 1024;

/** The image repository's last path segment: `ghcr.io/acme/server:1.2@sha256:…` → `server`. */
export function imageShortName(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const lastSegment = withoutDigest.split('/').pop()!;
  return lastSegment.split(':')[0]!;
}

/** The exit code a shell would report for a process ended by `signal`. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 9);
}

/**
 * Runs `node <entry> <image args> <container args>` from the repository root with exactly the container's
 * environment plus PATH and HOME, as the image's ENTRYPOINT would. container.command is not honoured: the
 * images have no shell or other programs to run.
 */
export function processRuntime(options: ProcessRuntimeOptions = {}): ContainerRuntime {
  const images = { ...IMAGES, ...options.images };
  return function startProcessContainer(launch) {
    const name = imageShortName(launch.container.image ?? '');
    const image = images[name];
    if (!image) throw new ContainerStartError('ImageNotKnown', `image "${launch.container.image}" has no local entrypoint; known images: ${Object.keys(images).join(', ')}`);
    const child = spawn(process.execPath, [image.entry, ...(image.args ?? []), ...(launch.container.args ?? [])], {
      cwd: REPO_ROOT,
      env: { ...launch.env, ...options.extraEnv, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > KEPT_OUTPUT_CHARS) output = output.slice(-KEPT_OUTPUT_CHARS);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const exited = new Promise<number>((resolve) => {
      child.once('error', (error) => {
        collect(Buffer.from(`${error.message}\n`));
        resolve(1);
      });
      // 'close' waits for the last output, which FallbackToLogsOnError needs; a grandchild holding the pipes
      // open must not keep the container alive, hence the bound after 'exit'.
      child.once('exit', (code, signal) => {
        const exitCode = code ?? signalExitCode(signal ?? 'SIGKILL');
        const timer = setTimeout(() => resolve(exitCode), 1_000);
        child.once('close', () => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
    });
    return {
      exited,
      pid: child.pid,
      output: () => output,
      kill(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
  };
}
