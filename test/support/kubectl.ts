/** The real kubectl binary, run the way a user runs it, for tests against a real control plane. */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a kubectl run ended. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run `kubectl --kubeconfig <kubeconfigPath> ...args`, feeding `stdin` when given. Resolves with the exit code
 * and output whatever the code (tests assert on refusals); rejects only when kubectl cannot start or hangs.
 */
export function runKubectl(kubectlPath: string, kubeconfigPath: string, args: readonly string[], stdin?: string, timeoutMs = 60_000): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath, ['--kubeconfig', kubeconfigPath, ...args], {
      // Only the given kubeconfig counts, and the discovery cache stays out of the user's ~/.kube.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), KUBECACHEDIR: join(tmpdir(), 'mur-kubectl-cache') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kubectl ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${Buffer.concat(stderr).toString()}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${kubectlPath}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
    child.stdin.end(stdin ?? '');
  });
}
