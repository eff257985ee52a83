/** Whether a process still exists, for tests that check nothing they started outlives them. */

/** True while a process with `pid` exists (signal 0 tests without signalling). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
