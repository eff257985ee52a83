import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandleCsv } from '../trainer-image/src/candles/index.ts';
import { imagesCacheDir } from './images-verify.ts';
import { buildArgs, runArgs, storageIn } from './images/buildah-args.ts';
import { baseImageBuildArgs, stageTag, verifyTag } from './images/build-image.ts';
import { lockCache } from './images/cache-lock.ts';
import { globalArgDefaults, qualifiedImageName, stageInstructions, stagesToKeep } from './images/dockerfile.ts';
import { closedPortKubeconfig, firstLines, hostPathOf, syntheticKlineCsv } from './images/fixtures.ts';
import { IMAGES } from './images/image-table.ts';
import { deepestDescendant, parentPids } from './images/processes.ts';
import { addedBytes, imageLayers, megabytes, totalBytes, verifyReport, type ImageResult } from './images/size-report.ts';
import { imageRuntime } from './images/smoke-checks.ts';
import { mirrorForSuite, standInKey, type StandInSettings } from './images/stand-in-settings.ts';
import { missingTools, missingToolsMessage, searchPath } from './images/tools.ts';

const repoRoot = join(import.meta.dirname, '..');
const dockerfile = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const storage = storageIn('/cache', 'vfs');

describe('buildah command lines', () => {
  it('builds with chroot isolation, cached layers and its own vfs storage, never pulling', () => {
    const args = buildArgs(storage, { dockerfile: '/repo/Dockerfile', contextDir: '/repo', tag: 'localhost/make-us-rich/server:verify', buildArgs: { NODE_IMAGE: 'docker.io/library/node:24-bookworm-slim' }, target: 'deps' });
    expect(args).toEqual([
      '--root', '/cache/storage', '--runroot', '/cache/run', '--storage-driver', 'vfs',
      'build', '--isolation', 'chroot', '--layers', '--pull=never', '--network', 'host',
      '--build-arg', 'NODE_IMAGE=docker.io/library/node:24-bookworm-slim',
      '--target', 'deps',
      '--file', '/repo/Dockerfile', '--tag', 'localhost/make-us-rich/server:verify', '/repo',
    ]);
  });

  it('runs the command as the given user on the host network, with read-only mounts marked', () => {
    const args = runArgs(storage, {
      container: 'c1',
      user: '10001:10001',
      env: { PORT: '4000' },
      mounts: [{ hostPath: '/w/model', containerPath: '/models', readOnly: true }, { hostPath: '/w/out', containerPath: '/out', readOnly: false }],
      command: ['node', 'server-image/src/main.ts'],
    });
    expect(args.slice(6)).toEqual(['run', '--isolation', 'chroot', '--network', 'host', '--user', '10001:10001', '--env', 'PORT=4000', '--volume', '/w/model:/models:ro', '--volume', '/w/out:/out', 'c1', '--', 'node', 'server-image/src/main.ts']);
  });
});

describe('reading Dockerfiles', () => {
  it('takes the base-image defaults from the ARGs before the first FROM, across continuations and comments', () => {
    const text = '# comment\nARG BASE=node:24 \nARG EMPTY\nARG QUOTED="debian:12"\nFROM ${BASE} AS deps\nARG LATER=x\nRUN a \\\n  && b\n';
    expect(globalArgDefaults(text)).toEqual({ BASE: 'node:24', QUOTED: 'debian:12' });
  });

  it('keeps the stages a target copies from, through aliases and ARG-chosen stages, but not its bases or scratch stages', () => {
    const text = 'ARG FLAVOUR=a\nFROM img AS base\nRUN x\nFROM base AS deps\nRUN d\nFROM scratch AS files\nCOPY x /x\nFROM base AS flavour-a\nRUN a\nFROM base AS flavour-b\nCOPY --from=deps /d /d\nRUN b\nFROM flavour-${FLAVOUR} AS chosen\nFROM base AS app\nCOPY --chown=1:1 --from=files /x /x\nCOPY --from=chosen /y /y\nFROM base AS unrelated\nRUN z\n';
    expect(stagesToKeep(text, 'app')).toEqual(['flavour-a']);
    expect(stagesToKeep(text, 'app', { FLAVOUR: 'b' })).toEqual(['deps', 'flavour-b']);
    expect(() => stagesToKeep(text, 'missing')).toThrow('the Dockerfile has no stage named missing');
    expect(() => stagesToKeep('FROM img AS base\nRUN x\nFROM base-$LATE AS app\n', 'app')).toThrow('FROM uses ARG LATE, which has no value');
  });

  it('keeps the shared dependency stage for every image, and the trainer never builds the GPU stage it skips', () => {
    const text = dockerfile('Dockerfile');
    for (const entry of IMAGES) expect(stagesToKeep(text, entry.target, entry.buildArgs), entry.name).toEqual(['deps']);
    expect(stagesToKeep(text, 'trainer')).toEqual(['deps', 'trainer-modules-gpu']);
  });

  it('reads one stage\'s instructions, continuations joined and comments dropped', () => {
    const text = 'FROM img AS base\nRUN a\nFROM base AS app\n# why\nRUN b \\\n  && c\nENTRYPOINT ["node", "x.ts"]\n';
    expect(stageInstructions(text, 'app')).toEqual(['RUN b && c', 'ENTRYPOINT ["node", "x.ts"]']);
    expect(() => stageInstructions(text, 'missing')).toThrow('the Dockerfile has no stage named missing');
  });

  it('qualifies short image names the way Docker resolves them', () => {
    expect(qualifiedImageName('node:24-bookworm-slim')).toBe('docker.io/library/node:24-bookworm-slim');
    expect(qualifiedImageName('nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04')).toBe('docker.io/nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04');
    expect(qualifiedImageName('ghcr.io/acme/node:24')).toBe('ghcr.io/acme/node:24');
    expect(qualifiedImageName('localhost:5000/node:24')).toBe('localhost:5000/node:24');
    expect(qualifiedImageName('localhost/node:24')).toBe('localhost/node:24');
  });
});

describe('the image table', () => {
  it('matches the Dockerfiles: every base-image ARG has a default and every build arg is declared', () => {
    for (const entry of IMAGES) {
      const text = dockerfile(entry.dockerfile);
      const args = baseImageBuildArgs(entry, text);
      for (const arg of Object.keys(entry.baseImageArgs)) expect(args[arg], `${entry.name} ${arg}`).toMatch(/^docker\.io\//);
      // buildah only warns about a build arg no ARG consumes: the GPU switch would silently do nothing.
      for (const arg of Object.keys(entry.buildArgs)) expect(text, `${entry.dockerfile} ARG ${arg}`).toMatch(new RegExp(`^ARG ${arg}(=|$)`, 'm'));
    }
  });

  it('says which Dockerfile lacks a base-image default', () => {
    const entry = { ...IMAGES[1]!, baseImageArgs: { BASE: 'node' as const } };
    expect(() => baseImageBuildArgs(entry, 'ARG NODE_IMAGE=node:24\nFROM ${BASE}\n')).toThrow(/^Dockerfile declares no default for ARG BASE before its first FROM/);
  });

  it('checks the trainer before the server, which serves the trainer\'s artifact', () => {
    const names = IMAGES.map((entry) => entry.name);
    expect(names.indexOf('trainer')).toBeLessThan(names.indexOf('server'));
    expect(verifyTag('server')).toBe('localhost/make-us-rich/server:verify');
    expect(stageTag('deps')).toBe('localhost/make-us-rich/stage-deps:verify');
  });
});

describe('the trainer\'s stages of the Dockerfile', () => {
  const runSteps = dockerfile('Dockerfile').replace(/\\\n/g, ' ').split('\n').filter((line) => line.startsWith('RUN '));

  it('never passes --allow-scripts to a project install, which npm 11 refuses (EALLOWSCRIPTS)', () => {
    expect(runSteps.some((line) => /npm install/.test(line))).toBe(true);
    for (const line of runSteps) expect(line).not.toMatch(/--allow-scripts/);
  });

  it('keeps dev and optional dependencies out of the install that adds the GPU package', () => {
    const install = runSteps.find((line) => line.includes('@tensorflow/tfjs-node-gpu@'))!;
    const command = install.slice(install.indexOf('npm install'));
    expect(command).toMatch(/--omit=dev/);
    expect(command).toMatch(/--omit=optional/);
  });
});

describe('tools', () => {
  it('ends with one sentence naming what is missing and how to install it', () => {
    expect(missingToolsMessage(['buildah', 'debootstrap'])).toBe(
      'images:verify needs buildah and debootstrap, which are not installed: on Debian or Ubuntu run `sudo apt-get install --no-install-recommends buildah debootstrap` (no Docker engine is needed).',
    );
    expect(missingToolsMessage(['du', 'nice'])).toMatch(/^images:verify needs du and nice, which are not installed: .*apt-get install --no-install-recommends coreutils`/);
  });

  it('looks in the sbin folders too, where debootstrap lives', () => {
    expect(searchPath('/usr/bin:/bin')).toEqual(['/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin']);
    expect(missingTools(['buildah', 'debootstrap'], searchPath('/usr/bin'), (path) => path === '/usr/sbin/debootstrap')).toEqual(['buildah']);
  });
});

describe('stand-in settings', () => {
  const sources = [
    'Types: deb',
    'URIs: http://mirror.example/debian',
    'Suites: bookworm bookworm-updates',
    'Components: main',
    '',
    'Types: deb',
    'URIs: http://mirror.example/debian-security',
    'Suites: bookworm-security',
  ].join('\n');

  it('reads the mirror serving the suite from deb822 and one-line APT sources', () => {
    expect(mirrorForSuite(sources, 'bookworm')).toBe('http://mirror.example/debian');
    expect(mirrorForSuite(sources, 'bookworm-security')).toBe('http://mirror.example/debian-security');
    expect(mirrorForSuite('deb [arch=amd64] http://old.example/debian bookworm main\n', 'bookworm')).toBe('http://old.example/debian');
    expect(mirrorForSuite(sources, 'trixie')).toBeUndefined();
  });

  it('keys the stand-ins by versions and by a digest of the CA bundle, registry and mirror', () => {
    const settings: StandInSettings = { suite: 'bookworm', mirror: 'http://m/debian', nodeVersion: '24.21.0', npmVersion: '11.19.1', caBundle: 'A', npmRegistry: 'https://registry.npmjs.org/' };
    expect(standInKey(settings)).toMatch(/^bookworm-node24\.21\.0-npm11\.19\.1-[0-9a-f]{12}$/);
    expect(standInKey({ ...settings, caBundle: 'B' })).not.toBe(standInKey(settings));
    expect(standInKey({ ...settings, npmRegistry: 'https://proxy.example/' })).not.toBe(standInKey(settings));
  });
});

describe('fixtures', () => {
  it('generates hourly candles the trainer\'s CSV parser accepts', () => {
    const parsed = parseCandleCsv(syntheticKlineCsv(400), 'synthetic.csv');
    expect(parsed.format).toBe('binance-klines');
    expect(parsed.candles).toHaveLength(400);
    expect(parsed.candles[1]!.time - parsed.candles[0]!.time).toBe(3_600_000);
    expect(syntheticKlineCsv(50)).toBe(syntheticKlineCsv(50));
  });

  it('cuts the first lines of a real dump and maps container paths back to the host', () => {
    expect(firstLines('a\nb\n\nc\nd\n', 3)).toBe('a\nb\nc\n');
    const mounts = [{ hostPath: '/w/model', containerPath: '/models', readOnly: false }];
    expect(hostPathOf('/models/manifest.json', mounts)).toBe('/w/model/manifest.json');
    expect(hostPathOf('/elsewhere/x', mounts)).toBeUndefined();
    expect(closedPortKubeconfig(9)).toContain('server: "https://127.0.0.1:9"');
  });
});

describe('smoke-check helpers', () => {
  const inspect = (config: object) => JSON.stringify({ OCIv1: { config } });

  it('starts the declared entrypoint as the declared user, and refuses an image that runs as root', () => {
    expect(imageRuntime(inspect({ Entrypoint: ['node', 'operator/main.ts'], User: '10001:10001' }))).toEqual({ entrypoint: ['node', 'operator/main.ts'], user: '10001:10001' });
    expect(() => imageRuntime(inspect({ Entrypoint: ['node'] }))).toThrow(/runs as "root"/);
    expect(() => imageRuntime(inspect({ Entrypoint: ['node'], User: '0:0' }))).toThrow(/runs as "0:0"/);
    expect(() => imageRuntime(inspect({ User: '10001' }))).toThrow(/no ENTRYPOINT/);
  });

  it('finds the process at the bottom of buildah run\'s tree, even with spaces and parentheses in names', () => {
    const stats = new Map([
      [100, '100 (buildah) S 1 100 100'],
      [101, '101 (buildah-chroot-runtime) S 100 100 100'],
      [102, '102 (buildah-chroot-exec) S 101 100 100'],
      [103, '103 (node (main) x) S 102 100 100'],
      [200, '200 (other) S 1 200 200'],
    ]);
    const parents = parentPids(stats);
    expect(parents.get(103)).toBe(102);
    expect(deepestDescendant(100, parents)).toBe(103);
    expect(deepestDescendant(200, parents)).toBe(200);
  });
});

describe('size report', () => {
  const inspectJson = JSON.stringify({ Manifest: JSON.stringify({ layers: [{ digest: 'sha256:base', size: 263_000_000 }, { digest: 'sha256:app', size: 795_000_000 }] }) });
  const image = (overrides: Partial<ImageResult>): ImageResult => ({ name: 'server', image: 'x', built: true, smoke: 'passed', detail: '', imageBytes: 1, addedBytes: 1, nodeModulesBytes: 1, ...overrides });

  it('sums the manifest\'s layers and separates what the Dockerfile added to the base', () => {
    const layers = imageLayers(inspectJson);
    expect(totalBytes(layers)).toBe(1_058_000_000);
    expect(addedBytes(layers, new Set(['sha256:base']))).toBe(795_000_000);
    expect(megabytes(1_058_000_000)).toBe('1058.0 MB');
    expect(megabytes(undefined)).toBe('?');
  });

  it('is ok only when every image built and passed', () => {
    const base = { coldCache: true, cacheDir: '/c', seconds: { total: 1 } };
    expect(verifyReport({ ...base, images: [image({}), image({ name: 'operator' })] }).ok).toBe(true);
    expect(verifyReport({ ...base, images: [image({}), image({ smoke: 'failed' })] }).ok).toBe(false);
    expect(verifyReport({ ...base, images: [image({ built: false, smoke: 'skipped' })] }).ok).toBe(false);
    expect(verifyReport({ ...base, images: [] }).ok).toBe(false);
  });
});

describe('the cache', () => {
  it('lives outside the repository unless MUR_IMAGES_CACHE moves it', () => {
    expect(imagesCacheDir({ MUR_IMAGES_CACHE: '/big/disk' })).toBe('/big/disk');
    expect(imagesCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/make-us-rich/images');
  });

  it('is locked against a second run while its owner lives, and taken over from a dead one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mur-images-lock-'));
    try {
      writeFileSync(join(dir, 'lock'), `${process.ppid}\n`);
      expect(() => lockCache(dir)).toThrow(new RegExp(`another images:verify \\(pid ${process.ppid}\\) is using`));
      writeFileSync(join(dir, 'lock'), '2147483646\n');
      const release = lockCache(dir);
      expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
      release();
      expect(() => readFileSync(join(dir, 'lock'))).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
