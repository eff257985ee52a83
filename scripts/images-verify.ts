/**
 * `npm run images:verify`: build the four images (the root Dockerfile's targets) with buildah (no Docker engine), start
 * each one as its non-root user and check it works, then print every image's size as JSON on stdout.
 *
 *   trainer    `mur train --help`, then a one-epoch run on 400 hourly candles writing an artifact to a mounted folder
 *   server     serves that artifact: /healthz and /readyz 200, then exits 0 on SIGTERM
 *   operator   against a kubeconfig naming a closed port: /healthz and /readyz 200 (a standby), exits 0 on SIGTERM
 *   dashboard  /healthz 200, exits 0 on SIGTERM
 *
 * Base images cannot be pulled here, so local stand-ins replace them: a `debootstrap --variant=minbase` Debian
 * root for the CUDA image, and the same root with this Node and npm (as in the official node images) for the node
 * images, both carrying the machine's CA bundle and npm registry. The images differ from released ones only in
 * that base (`addedBytes` in the report is what the Dockerfile itself adds) and in the trainer's
 * TRAINER_TENSORFLOW=cpu. The list of images is scripts/images/image-table.ts.
 *
 * Everything lives in a cache folder outside the repository (MUR_IMAGES_CACHE, else
 * ~/.cache/make-us-rich/images): buildah's own storage, keyed stand-ins and the cached layers a warm run reuses.
 * The storage driver is overlay where a probe mount works, else vfs (MUR_IMAGES_STORAGE_DRIVER forces one). Measured
 * on 2 cores at load 0.5 to 1.5: overlay, 194 s and 2.3 GB from an empty cache and 41 s after a change under core/;
 * vfs, which copies every layer in full, 24 minutes and 21 GB from empty and 21 minutes after a change under core/.
 *
 * Needs root, buildah and debootstrap (Debian packages). MUR_DEBIAN_MIRROR overrides the mirror read from APT's
 * sources; MUR_IMAGES_START_TIMEOUT_S (default 300) bounds how long a server may take to answer.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from '../local-cluster/net.ts';
import { storageArgs, storageIn, type StorageLocation } from './images/buildah-args.ts';
import { buildImage } from './images/build-image.ts';
import { lockCache } from './images/cache-lock.ts';
import { prepareFixtures } from './images/fixtures.ts';
import { IMAGES } from './images/image-table.ts';
import { runCommand, stopRunningChildren } from './images/processes.ts';
import { addedBytes, imageLayers, megabytes, totalBytes, verifyReport, type ImageResult } from './images/size-report.ts';
import { runSmokeCheck } from './images/smoke-checks.ts';
import { ensureStandIns, machineStandInSettings, standInRef } from './images/stand-ins.ts';
import { chooseStorageDriver, unusedStorageFolders } from './images/storage-driver.ts';
import { REQUIRED_TOOLS, missingTools, missingToolsMessage, notRootMessage, searchPath } from './images/tools.ts';

/** The Debian release the stand-ins are made from (the official node:24 images' bookworm). */
const SUITE = 'bookworm';
const repoRoot = resolve(import.meta.dirname, '..');
/** Where the images and stages this script builds are tagged (the stand-ins live elsewhere). */
const OUR_REPOSITORIES = 'localhost/make-us-rich';

/** The cache folder: MUR_IMAGES_CACHE, else <$XDG_CACHE_HOME or ~/.cache>/make-us-rich/images. */
export function imagesCacheDir(env: NodeJS.ProcessEnv): string {
  return env.MUR_IMAGES_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'make-us-rich', 'images');
}

const log = (line: string) => console.error(`images:verify: ${line}`);

function fail(message: string): never {
  log(message);
  process.exit(1);
}

const buildah = (storage: StorageLocation, what: string, args: string[]) => runCommand(what, 'buildah', [...storageArgs(storage), ...args]);

/**
 * Our tags this run did not make (a renamed stage, a Dockerfile that moved) go, so their layers can be pruned;
 * only after a run that built everything, since a failed build leaves tags it still needs unmade.
 */
async function untagStale(storage: StorageLocation, made: ReadonlySet<string>): Promise<void> {
  const listed = (await buildah(storage, 'buildah images', ['images', '--format', '{{.Name}}:{{.Tag}}'])).stdout.split('\n').map((line) => line.trim());
  for (const tag of listed.filter((line) => line.startsWith(`${OUR_REPOSITORIES}/`) && !made.has(line))) {
    log(`removing the stale tag ${tag}`);
    // rmi drops the name, and the image with it when that was its last name; a failure only costs disk.
    await buildah(storage, `buildah rmi ${tag}`, ['rmi', tag]).catch((error: unknown) => log((error as Error).message));
  }
}

/** Dangling images (superseded builds) go; tagged images, their layers and the stages' layers stay for the next run. */
async function prune(storage: StorageLocation): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const removed = await buildah(storage, 'buildah rmi --prune', ['rmi', '--prune']);
    if (removed.stdout.trim() === '') return;
  }
}

async function verify(storage: StorageLocation, workDir: string, seconds: Record<string, number>) {
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      seconds[phase] = Math.round((performance.now() - started) / 100) / 10;
      log(`${phase}: ${seconds[phase]} s`);
    }
  };
  const settings = await machineStandInSettings(SUITE, process.env);
  const coldCache = await timed('stand-ins', () => ensureStandIns(storage, settings, workDir, log));
  const standIns = { os: standInRef('os', settings), node: standInRef('node', settings) };
  const baseDigests = new Set<string>();
  for (const ref of Object.values(standIns)) for (const layer of imageLayers((await buildah(storage, 'inspect', ['inspect', '--type', 'image', ref])).stdout)) baseDigests.add(layer.digest);

  const built = new Map<string, { image: string; error?: string }>();
  const tagsMade = new Set<string>();
  for (const entry of IMAGES) {
    const logFile = join(workDir, `${entry.name}-build.log`);
    await timed(`build ${entry.name}`, () => buildImage(entry, { storage, repoRoot, standIns, logFile, log, tagsMade }))
      .then((image) => built.set(entry.name, { image }))
      .catch((error: unknown) => {
        log(`${entry.name}: ${(error as Error).message}`);
        built.set(entry.name, { image: '', error: (error as Error).message });
      });
  }

  if ([...built.values()].every((build) => build.error === undefined)) await untagStale(storage, tagsMade);

  const fixtures = prepareFixtures({ workDir, candleSource: join(repoRoot, '..', 'shared', 'data', 'ETHUSDT-1h-binance-2020-01-01_2022-04-11.csv'), closedPort: await freePort() });
  const startTimeoutMs = Number(process.env.MUR_IMAGES_START_TIMEOUT_S || 300) * 1000;
  const images: ImageResult[] = [];
  for (const entry of IMAGES) {
    const build = built.get(entry.name)!;
    if (build.error !== undefined) {
      images.push({ name: entry.name, image: '', built: false, smoke: 'skipped', detail: build.error.split('\n')[0]!, imageBytes: undefined, addedBytes: undefined, nodeModulesBytes: undefined });
      continue;
    }
    const layers = imageLayers((await buildah(storage, 'inspect', ['inspect', '--type', 'image', build.image])).stdout);
    const outcome = await timed(`smoke ${entry.name}`, () => runSmokeCheck({ storage, entry, image: build.image, workDir, fixtures, log, startTimeoutMs })).catch((error: unknown) => ({ passed: false, detail: (error as Error).message, nodeModulesBytes: undefined }));
    log(`${entry.name}: ${outcome.passed ? 'passed' : 'FAILED'}: ${outcome.detail}`);
    log(`${entry.name}: ${megabytes(totalBytes(layers))} (${megabytes(addedBytes(layers, baseDigests))} over the base), node_modules ${megabytes(outcome.nodeModulesBytes)}`);
    images.push({ name: entry.name, image: build.image, built: true, smoke: outcome.passed ? 'passed' : 'failed', detail: outcome.detail.split('\n')[0]!, imageBytes: totalBytes(layers), addedBytes: addedBytes(layers, baseDigests), nodeModulesBytes: outcome.nodeModulesBytes });
  }
  return { coldCache, images };
}

async function main(): Promise<void> {
  const missing = missingTools(REQUIRED_TOOLS, searchPath(process.env.PATH));
  if (missing.length > 0) fail(missingToolsMessage(missing));
  if (process.getuid?.() !== 0) fail(notRootMessage());
  if (Number(process.versions.node.split('.')[0]) < 24) fail(`Node ${process.versions.node} runs this script; run it through npm (npm run images:verify) so the project's Node 24 runs it and goes into the stand-in`);
  // debootstrap calls chroot and friends from the sbin folders.
  process.env.PATH = searchPath(process.env.PATH).join(delimiter);

  const started = performance.now();
  const cacheDir = imagesCacheDir(process.env);
  mkdirSync(cacheDir, { recursive: true });
  let unlock: () => void;
  try {
    unlock = lockCache(cacheDir);
  } catch (error) {
    fail((error as Error).message);
  }
  let storage: StorageLocation;
  try {
    storage = storageIn(cacheDir, chooseStorageDriver(process.env, cacheDir));
  } catch (error) {
    unlock();
    fail((error as Error).message);
  }
  log(`storage driver: ${storage.driver}`);
  for (const folder of unusedStorageFolders(cacheDir, storage.driver)) {
    log(`removing ${folder}, storage this driver does not use`);
    // A storage left by the other driver is only disk: a folder that will not go is reported, not fatal.
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch (error) {
      log((error as Error).message);
    }
  }
  const workDir = mkdtempSync(join(cacheDir, 'work-'));
  let cleaning: Promise<void> | undefined;
  // Working containers (and their mounts) and the work folder go whatever happens; the storage's images stay.
  const cleanUp = () =>
    (cleaning ??= (async () => {
      stopRunningChildren();
      await buildah(storage, 'remove working containers', ['rm', '--all']).catch((error: unknown) => log((error as Error).message));
      rmSync(workDir, { recursive: true, force: true });
    })());
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      log(`${signal}: removing working containers and the work folder`);
      void cleanUp().finally(() => {
        unlock();
        process.exit(code);
      });
    });
  }

  const seconds: Record<string, number> = {};
  let result: Awaited<ReturnType<typeof verify>> | undefined;
  try {
    // A run killed hard (SIGKILL, power loss) may have left containers behind in this private storage.
    await buildah(storage, 'remove leftover working containers', ['rm', '--all']);
    result = await verify(storage, workDir, seconds);
  } catch (error) {
    log((error as Error).message);
  } finally {
    await cleanUp();
    const pruneStarted = performance.now();
    await prune(storage).catch((error: unknown) => log((error as Error).message));
    seconds.prune = Math.round((performance.now() - pruneStarted) / 100) / 10;
    unlock();
  }
  seconds.total = Math.round((performance.now() - started) / 100) / 10;
  const report = verifyReport({ coldCache: result?.coldCache ?? false, cacheDir, seconds, images: result?.images ?? [] });
  console.log(JSON.stringify(report, null, 2));
  process.exit(report.ok ? 0 : 1);
}

if (import.meta.main) await main();
