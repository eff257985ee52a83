// `npm run demo`'s flag handling, as a person meets it: a mistyped flag gets the usage text and exit 2
// (the convention for input a user can fix), never a stack trace, and --help lists every flag.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './support/run-cli.ts';

const DEMO_FLAGS = ['--port', '--dashboard-port', '--epochs', '--lookback', '--timeframe', '--data', '--exchange', '--symbol', '--no-open', '--cluster', '--help'];

/** Run `node scripts/demo.ts …args` with the Node running the tests (24 under npm). */
function demo(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['scripts/demo.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run demo flags', () => {
  it('answers an unknown flag with the usage text and exit 2, without a stack trace', () => {
    const result = demo(['--bogus']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^npm run demo: Unknown option '--bogus'\n/);
    for (const flag of DEMO_FLAGS) expect(result.stderr).toContain(flag);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('names a flag whose value is missing or not a port', () => {
    expect(demo(['--port'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^npm run demo: Option '--port <value>' argument missing/) });
    // The missing --data file keeps a regression from starting a training run.
    expect(demo(['--dashboard-port', 'eighty', '--data', '/nonexistent/candles.csv'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^npm run demo: --dashboard-port must be a port number \(1-65535\), got "eighty"/) });
  });

  it('lists every flag in --help, on stdout, with exit 0', () => {
    const result = demo(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run demo -- \[flags\]/);
    for (const flag of DEMO_FLAGS) expect(result.stdout).toContain(flag);
    expect(result.stderr).toBe('');
  });
});
