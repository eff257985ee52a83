import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startComponent, type ComponentFailure } from './component-process.ts';

describe('a control plane component process', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mur-component-'));
    dirs.push(dir);
    return dir;
  };

  it('reports an exit nobody asked for with its last output lines, and records its pid for the reaper', async () => {
    const dir = scratch();
    const failures: ComponentFailure[] = [];
    const component = startComponent({
      name: 'kube-apiserver',
      binary: process.execPath,
      args: ['-e', 'console.log("serving"); console.error("E1201 etcd unreachable"); process.exit(3)'],
      dir,
      onUnexpectedExit: (failure) => failures.push(failure),
    });
    await component.exited;
    expect(failures).toEqual([{ component: 'kube-apiserver', exit: 'code 3', lastLines: expect.arrayContaining(['serving', 'E1201 etcd unreachable']) }]);
    expect(readFileSync(join(dir, 'pids'), 'utf8').trim()).toBe(String(component.pid));
    expect(readFileSync(join(dir, 'kube-apiserver.log'), 'utf8')).toContain('E1201 etcd unreachable');
  });

  it('stops quietly when asked, escalating to SIGKILL after the grace period', async () => {
    const failures: ComponentFailure[] = [];
    const component = startComponent({
      name: 'etcd',
      binary: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("up")'],
      dir: scratch(),
      onUnexpectedExit: (failure) => failures.push(failure),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await component.stop(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(component.running()).toBe(false);
    expect(failures).toEqual([]);
  });
});
