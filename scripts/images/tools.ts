/** The host programs images:verify needs, and the one sentence it ends with when they are missing. */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Programs run on the host: buildah builds and runs, debootstrap makes the base root, tar and du copy and measure. */
export const REQUIRED_TOOLS = ['buildah', 'debootstrap', 'tar', 'du', 'nice'] as const;

/** Where a program is searched: PATH, plus the sbin folders a non-login root shell may lack (debootstrap lives there). */
export function searchPath(pathVariable: string | undefined): string[] {
  const dirs = (pathVariable ?? '').split(delimiter).filter(Boolean);
  for (const extra of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(extra)) dirs.push(extra);
  return dirs;
}

/** The tools of `names` that no folder of `dirs` holds as an executable file. */
export function missingTools(names: readonly string[], dirs: readonly string[], isExecutable: (path: string) => boolean = executable): string[] {
  return names.filter((name) => !dirs.some((dir) => isExecutable(join(dir, name))));
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function listed(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** One sentence naming the missing tools and the command that installs them (all come from Debian packages of the same name, du and nice from coreutils). */
export function missingToolsMessage(missing: readonly string[]): string {
  const packages = [...new Set(missing.map((name) => (name === 'du' || name === 'nice' ? 'coreutils' : name)))];
  const verb = missing.length === 1 ? 'is' : 'are';
  return `images:verify needs ${listed(missing)}, which ${verb} not installed: on Debian or Ubuntu run \`sudo apt-get install --no-install-recommends ${packages.join(' ')}\` (no Docker engine is needed).`;
}

/** The sentence for a run without root, which debootstrap and mounting image layers need. */
export function notRootMessage(): string {
  return 'images:verify must run as root, because debootstrap and buildah mount need it: run `sudo -E npm run images:verify`.';
}
