/** A runtime without processes, for tests and the operator benchmark: each container's ending is decided up front. */
import { writeFile } from 'node:fs/promises';
import type { ContainerLaunch, ContainerRuntime } from './container-runtime.ts';
import { signalExitCode } from './process-runtime.ts';

/** How a prepared container behaves: run to completion (exit code, message, after a delay) or serve until killed. */
export type PreparedContainer = { readonly exitCode: number; readonly terminationMessage?: string; readonly afterMs?: number } | { readonly serve: true };

/**
 * Containers that do what `decide` says. A run-to-completion one writes its termination message, then exits
 * after `afterMs` (default 0); a serving one runs until killed and is ready at once. Killing ends either at
 * once with 128 + the signal number.
 */
export function preparedRuntime(decide: (launch: ContainerLaunch) => PreparedContainer | Promise<PreparedContainer>): ContainerRuntime {
  return function startPreparedContainer(launch) {
    const { promise: exited, resolve } = Promise.withResolvers<number>();
    let ended = false;
    let decided = false;
    let timer: NodeJS.Timeout | undefined;
    let output = '';
    const end = (code: number) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      resolve(code);
    };
    const run = async () => {
      const decision = await decide(launch);
      decided = true;
      if (ended || 'serve' in decision) return;
      if (decision.terminationMessage !== undefined) await writeFile(launch.terminationMessageFile, decision.terminationMessage);
      if (!ended) timer = setTimeout(() => end(decision.exitCode), decision.afterMs ?? 0);
    };
    run().catch((error: unknown) => {
      output += `${error instanceof Error ? error.message : String(error)}\n`;
      end(1);
    });
    return {
      exited,
      output: () => output,
      kill: (signal) => end(signalExitCode(signal)),
      // A prepared container is ready while it runs, as a container without a readiness probe is.
      ready: () => decided && !ended,
    };
  };
}
