/**
 * `npm run cluster` as a person uses it: it prints `export KUBECONFIG=…`, kubectl then sees a Ready node, and
 * Ctrl-C (SIGINT) stops everything it started, leaving no process and no folder behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKubectl } from './support/kubectl.ts';
import { isProcessAlive } from '../local-cluster/process-alive.ts';

const ROOT = join(import.meta.dirname, '..');


describe('npm run cluster', () => {
  it('prints a working KUBECONFIG and stops everything on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['scripts/cluster.ts', '--data', join(ROOT, 'test/fixtures/candles/binance-1h-with-gap.csv')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!/Press Ctrl-C/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm run cluster did not come up:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const kubeconfig = /export KUBECONFIG=(\S+)/.exec(output)![1]!;
      const kubectl = join(/export PATH=([^:\s]+)/.exec(output)![1]!, 'kubectl');
      const nodes = await runKubectl(kubectl, kubeconfig, ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name} {.items[*].status.conditions[?(@.type=="Ready")].status}']);
      expect(nodes.stdout).toBe('mur-local-node True');
      expect(output).toMatch(/helm install make-us-rich charts\/make-us-rich -n make-us-rich --create-namespace --set s3\.endpoint=http:\/\/127\.0\.0\.1:\d+/);
      // The install writes Secrets into secretNamespaces={markets}, so that namespace comes first.
      expect(output.indexOf('kubectl create namespace markets')).toBeGreaterThan(-1);
      expect(output.indexOf('kubectl create namespace markets')).toBeLessThan(output.indexOf('helm install make-us-rich'));

      const clusterDir = join(kubeconfig, '..');
      const pids = readFileSync(join(clusterDir, 'pids'), 'utf8').split('\n').map(Number).filter((pid) => pid > 0);
      expect(pids.length).toBeGreaterThanOrEqual(4);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(pids.filter(isProcessAlive)).toEqual([]);
      expect(existsSync(clusterDir)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
