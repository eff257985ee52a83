/**
 * Install schemathesis (PyPI), which checks the inference service against its own /openapi.json
 * (test/server-schemathesis.test.ts), into a virtualenv in a cache folder outside the repository, keyed by
 * the pinned version. A warm cache costs one `stat`; CI (.ci/run) runs this before `npm test`.
 *
 *   npm exec -- node scripts/schemathesis-setup.ts            # install when needed, print the `st` path
 *   npm exec -- node scripts/schemathesis-setup.ts --quiet    # print nothing on a warm cache
 *
 * Needs Python ≥ 3.9 with the venv module (`PYTHON`, default `python3`) and access to PyPI (pip honours
 * PIP_INDEX_URL and the proxy variables).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The schemathesis release the check runs on; its CLI flags (test/server-schemathesis.test.ts) are 4.x's. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** The virtualenv: MUR_SCHEMATHESIS_VENV, else <$XDG_CACHE_HOME or ~/.cache>/make-us-rich/schemathesis-<version>. */
export function schemathesisVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MUR_SCHEMATHESIS_VENV) return env.MUR_SCHEMATHESIS_VENV;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'make-us-rich', `schemathesis-${SCHEMATHESIS_VERSION}`);
}

/** Path of the `st` command inside the virtualenv. */
export function schemathesisBin(env: NodeJS.ProcessEnv = process.env): string {
  return join(schemathesisVenvDir(env), 'bin', 'st');
}

/** Written last, so an interrupted install never looks complete (a virtualenv cannot be renamed into place). */
function completeMarker(venv: string): string {
  return join(venv, 'INSTALLED');
}

function fail(message: string): never {
  console.error(`schemathesis-setup: ${message}`);
  process.exit(1);
}

function run(command: string, args: readonly string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) {
    fail(`${what} failed (${result.error?.message ?? `exit ${result.status}`})\n${(result.stdout ?? '') + (result.stderr ?? '')}`.trimEnd());
  }
  return result.stdout.trim();
}

function install(venv: string): void {
  const python = process.env.PYTHON || 'python3';
  const started = performance.now();
  console.error(`schemathesis-setup: installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv}`);
  rmSync(venv, { recursive: true, force: true });
  run(python, ['-m', 'venv', venv], `${python} -m venv (Python ≥ 3.9 with its venv module is needed)`);
  run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', `schemathesis==${SCHEMATHESIS_VERSION}`], `pip install schemathesis==${SCHEMATHESIS_VERSION}`);
  const version = run(join(venv, 'bin', 'st'), ['--version'], 'st --version');
  if (!version.endsWith(` ${SCHEMATHESIS_VERSION}`)) fail(`st --version printed "${version}", expected ${SCHEMATHESIS_VERSION}`);
  writeFileSync(completeMarker(venv), `${SCHEMATHESIS_VERSION}\n`);
  console.error(`schemathesis-setup: installed in ${Math.round((performance.now() - started) / 1000)} s`);
}

if (import.meta.main) {
  const venv = schemathesisVenvDir();
  if (!existsSync(completeMarker(venv)) || !existsSync(schemathesisBin())) install(venv);
  if (!process.argv.includes('--quiet')) console.log(schemathesisBin());
}
