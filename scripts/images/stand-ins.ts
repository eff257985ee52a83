/**
 * Local stand-ins for the base images no registry can give this machine: a `debootstrap --variant=minbase` root
 * (`os`), and the same root with Node and npm where the official node images have them (`node`). Each is one layer,
 * imported through `buildah mount` so nothing runs inside a container.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync, cpSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { storageArgs, niced, type StorageLocation } from './buildah-args.ts';
import { runCommand, runCommandUnchecked } from './processes.ts';
import { STAND_IN_CA_PATH, STAND_IN_REPOSITORY, mirrorForSuite, standInKey, standInNpmrc, type StandInSettings } from './stand-in-settings.ts';
import type { StandInKind } from './image-table.ts';

const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const PATH_IN_IMAGE = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Read the stand-in inputs from this machine: APT's mirror, the running Node, the npm running this script, the CA bundle and registry. */
export async function machineStandInSettings(suite: string, env: NodeJS.ProcessEnv): Promise<StandInSettings> {
  const npmDir = npmPackageDir(env);
  const caFile = env.NODE_EXTRA_CA_CERTS || env.SSL_CERT_FILE || '/etc/ssl/certs/ca-certificates.crt';
  const registry = (await runCommand('npm config get registry', process.execPath, [join(npmDir, 'bin', 'npm-cli.js'), 'config', 'get', 'registry'])).stdout.trim();
  return {
    suite,
    mirror: env.MUR_DEBIAN_MIRROR || mirrorForSuite(aptSourcesText(), suite) || DEFAULT_MIRROR,
    nodeVersion: process.versions.node,
    npmVersion: (JSON.parse(readFileSync(join(npmDir, 'package.json'), 'utf8')) as { version: string }).version,
    caBundle: existsSync(caFile) ? readFileSync(caFile, 'utf8') : '',
    npmRegistry: registry,
  };
}

/** The npm package folder of the npm that started this script (npm sets npm_execpath to its CLI). */
function npmPackageDir(env: NodeJS.ProcessEnv): string {
  const cli = env.npm_execpath;
  if (!cli || !existsSync(cli)) throw new Error('run this through npm (npm run images:verify): the npm running it is copied into the stand-in');
  return dirname(dirname(cli));
}

function aptSourcesText(): string {
  const files = ['/etc/apt/sources.list'];
  if (existsSync('/etc/apt/sources.list.d')) {
    for (const name of readdirSync('/etc/apt/sources.list.d')) if (/\.(sources|list)$/.test(name)) files.push(join('/etc/apt/sources.list.d', name));
  }
  return files.filter((file) => existsSync(file)).map((file) => readFileSync(file, 'utf8')).join('\n\n');
}

/** Image reference of one stand-in. */
export function standInRef(kind: StandInKind, settings: StandInSettings): string {
  return `${STAND_IN_REPOSITORY}/${kind}:${standInKey(settings)}`;
}

async function imageExists(storage: StorageLocation, ref: string): Promise<boolean> {
  const result = await runCommandUnchecked('buildah', [...storageArgs(storage), 'inspect', '--type', 'image', ref]);
  return result.code === 0;
}

/**
 * Make sure both stand-ins exist for these settings; returns false when they were already there. New stand-ins
 * invalidate every cached layer, so the storage is emptied first rather than left holding the old ones.
 */
export async function ensureStandIns(storage: StorageLocation, settings: StandInSettings, workDir: string, log: (line: string) => void): Promise<boolean> {
  if ((await imageExists(storage, standInRef('os', settings))) && (await imageExists(storage, standInRef('node', settings)))) return false;
  log(`preparing base-image stand-ins ${standInKey(settings)} (debootstrap ${settings.suite} from ${settings.mirror})`);
  await runCommand('remove the images built on older stand-ins', 'buildah', [...storageArgs(storage), 'rmi', '--all', '--force']);
  const rootfs = join(workDir, 'rootfs');
  rmSync(rootfs, { recursive: true, force: true });
  const [nice, debootstrap] = niced('debootstrap', ['--variant=minbase', settings.suite, rootfs, settings.mirror]);
  await runCommand(`debootstrap ${settings.suite}`, nice, debootstrap, { logFile: join(workDir, 'debootstrap.log') });
  // Downloaded packages and package lists: the official images ship without them too.
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    for (const name of readdirSync(join(rootfs, dir))) if (name !== 'partial' && name !== 'lock') rmSync(join(rootfs, dir, name), { recursive: true, force: true });
  }
  mkdirSync(join(rootfs, 'usr/local/etc'), { recursive: true });
  writeFileSync(join(rootfs, STAND_IN_CA_PATH), settings.caBundle);
  writeFileSync(join(rootfs, 'usr/local/etc/npmrc'), standInNpmrc(settings));
  const baseEnv = [`PATH=${PATH_IN_IMAGE}`, `NODE_EXTRA_CA_CERTS=${STAND_IN_CA_PATH}`];
  await importRootfs(storage, rootfs, standInRef('os', settings), baseEnv, ['bash']);

  copyFileSync(process.execPath, join(rootfs, 'usr/local/bin/node'));
  cpSync(npmPackageDir(process.env), join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  await importRootfs(storage, rootfs, standInRef('node', settings), [...baseEnv, `NODE_VERSION=${settings.nodeVersion}`], ['node']);
  rmSync(rootfs, { recursive: true, force: true });
  return true;
}

/** Copy a root folder into a new one-layer image (device nodes and kernel folders left out, as in any image). */
async function importRootfs(storage: StorageLocation, rootfs: string, ref: string, env: readonly string[], cmd: readonly string[]): Promise<void> {
  const buildah = (what: string, args: string[]) => runCommand(what, 'buildah', [...storageArgs(storage), ...args]);
  const container = (await buildah('buildah from scratch', ['from', '--name', `mur-verify-import-${process.pid}`, 'scratch'])).stdout.trim();
  try {
    const mountPoint = (await buildah('buildah mount', ['mount', container])).stdout.trim();
    try {
      await runCommand(`copy ${rootfs} into ${ref}`, 'sh', ['-c', 'tar -C "$1" --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* -cf - . | tar -C "$2" -xpf -', 'sh', rootfs, mountPoint]);
    } finally {
      await buildah('buildah umount', ['umount', container]);
    }
    const config = ['config', ...env.flatMap((entry) => ['--env', entry]), '--cmd', JSON.stringify(cmd), container];
    await buildah('buildah config', config);
    await buildah(`commit ${ref}`, ['commit', '--rm', container, ref]);
  } catch (error) {
    await runCommandUnchecked('buildah', [...storageArgs(storage), 'rm', container]);
    throw error;
  }
}
