/**
 * Started detached by the control plane: when the process that started the cluster dies without stopping it
 * (a killed test run, a Ctrl-C that skipped clean-up), kill every process listed in `<dir>/pids` and remove
 * the folder, so nothing the cluster started outlives it. Exits quietly once the folder is gone.
 *
 *   node local-cluster/reaper.ts <parent-pid> <dir>
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from './process-alive.ts';

const parent = Number(process.argv[2]);
const dir = process.argv[3]!;


const timer = setInterval(() => {
  if (!existsSync(dir)) {
    clearInterval(timer);
    return;
  }
  if (isProcessAlive(parent)) return;
  clearInterval(timer);
  const pids = readFileSync(join(dir, 'pids'), 'utf8').split('\n').map(Number).filter((pid) => pid > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}, 500);
