/**
 * docs/architecture.md against the code: each image's environment table lists exactly the variables that
 * image's configuration module reads (a variable added, renamed or dropped on either side fails here, naming
 * it), every other variable the page names is read somewhere, the repository paths it cites exist, and no
 * file points to the design card the page replaced, which the repository does not hold.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Env } from '../core/env.ts';
import { S3_ENV_SETTINGS } from '../core/storage/s3-config.ts';
import { parseDashboardConfig } from '../dashboard/src/config.ts';
import { parseOperatorConfig } from '../operator/config.ts';
import { parseServerConfig } from '../server-image/src/config.ts';
import { citedRepositoryPaths, missingPaths, relativeLinks } from './support/markdown-paths.ts';

const root = join(import.meta.dirname, '..');
const DOC = 'docs/architecture.md';
const doc = readFileSync(join(root, DOC), 'utf8');

/** Object-storage variables: documented once, in the trainer's generated table, not per image. */
const S3_NAMES = new Set(S3_ENV_SETTINGS.flatMap((setting) => setting.names));

/** An image's configuration: its module, its parser, and environments that between them reach every branch that reads a variable. */
interface ImageConfig {
  readonly table: string;
  readonly module: string;
  readonly parse: (env: Env) => unknown;
  readonly environments: readonly Env[];
}

const IMAGES: readonly ImageConfig[] = [
  {
    table: 'server',
    module: 'server-image/src/config.ts',
    parse: parseServerConfig,
    environments: [
      { MODEL_URI: 'file:///srv/model/' },
      { MODEL_URI: 's3://models/run/', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'key', S3_SECRET_ACCESS_KEY: 'secret' },
    ],
  },
  {
    table: 'operator',
    module: 'operator/config.ts',
    parse: parseOperatorConfig,
    environments: [{ MUR_TRAINER_IMAGE: 'trainer:1', MUR_SERVER_IMAGE: 'server:1' }],
  },
  {
    table: 'dashboard',
    module: 'dashboard/src/config.ts',
    parse: parseDashboardConfig,
    environments: [
      {},
      { DASHBOARD_TARGET_URL: 'http://btc-usdt-forecast.markets.svc', DASHBOARD_TOKEN_FILE: '/tokens/default' },
      { DASHBOARD_DISCOVERY_NAMESPACES: 'markets', DASHBOARD_TOKEN_FILE: '/tokens/default' },
    ],
  },
];

/** Names the parser looks up while parsing `env`, recorded through a proxy. */
function namesLookedUp(parse: (env: Env) => unknown, env: Env): Set<string> {
  const seen = new Set<string>();
  const recording = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') seen.add(key);
      return (target as Record<string | symbol, unknown>)[key];
    },
  });
  parse(recording);
  return seen;
}

/** Variable names quoted on their own in a module's source (`'NAME'`), which covers branches no environment above reaches. */
function namesQuotedIn(module: string): Set<string> {
  const source = readFileSync(join(root, module), 'utf8');
  return new Set([...source.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'/g)].map((m) => m[1]!));
}

/** Every variable an image's configuration reads, object storage aside. */
function variablesRead(image: ImageConfig): string[] {
  const names = new Set(namesQuotedIn(image.module));
  for (const env of image.environments) for (const name of namesLookedUp(image.parse, env)) names.add(name);
  return [...names].filter((name) => !S3_NAMES.has(name)).sort();
}

/** The first-column variables of the table between `<!-- env-table:NAME -->` and `<!-- /env-table:NAME -->`. */
function tableVariables(name: string): string[] {
  const start = doc.indexOf(`<!-- env-table:${name} -->`);
  const end = doc.indexOf(`<!-- /env-table:${name} -->`);
  if (start < 0 || end < start) throw new Error(`${DOC} has no env-table:${name} section`);
  const rows = doc.slice(start, end).split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)).sort();
}

/** The code's text: every non-test TypeScript file of the images and the shared core. */
function codeText(): string {
  return ['core', 'operator', 'server-image/src', 'trainer-image/src', 'dashboard/src', 'bin']
    .flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => readFileSync(join(root, dir, f), 'utf8')),
    )
    .join('\n');
}

describe(`${DOC} environment tables`, () => {
  it.each(IMAGES)('the $table table lists exactly what $module reads', (image) => {
    const documented = tableVariables(image.table);
    const read = variablesRead(image);
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((name) => !read.includes(name)), `in the ${image.table} table of ${DOC} but not read by ${image.module}`).toEqual([]);
    expect(read.filter((name) => !documented.includes(name)), `read by ${image.module} but missing from the ${image.table} table of ${DOC}`).toEqual([]);
  });

  it('the server reads the object-storage variables the page sends to the trainer table', () => {
    const server = IMAGES.find((image) => image.table === 'server')!;
    expect(namesLookedUp(server.parse, server.environments[1]!).has('S3_ENDPOINT')).toBe(true);
    expect(doc).toContain('(../README.md#trainer-settings)');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toMatch(/^### Trainer settings$/m);
  });

  it('records a lookup made through the proxy, and sees a variable missing from a table', () => {
    expect(namesLookedUp((env) => env.SOME_SETTING, {})).toEqual(new Set(['SOME_SETTING']));
    const operator = IMAGES.find((image) => image.table === 'operator')!;
    expect(variablesRead(operator)).toContain('MUR_LEASE_NAME');
    expect(tableVariables('dashboard')).not.toContain('MUR_LEASE_NAME');
  });
});

/** Folders the page's paths are relative to: the repository, or the component a section says its paths are under. */
const PATH_BASES = ['.', 'operator', 'trainer-image/src', 'server-image/src', 'dashboard/src', 'charts/make-us-rich'];

/** Source and documentation files of the repository, outside dependencies, caches and dot folders. */
function repositoryFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name === 'artifacts') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return repositoryFiles(path);
    return /\.(ts|md|tpl|ya?ml)$/.test(entry.name) ? [path] : [];
  });
}

describe(`${DOC} elsewhere`, () => {
  it('is where the code and docs point for the design, not a file the repository lacks', () => {
    const missingCard = ['DESIGN', 'md'].join('.');
    expect(existsSync(join(root, missingCard))).toBe(false);
    const pointing = repositoryFiles().filter((file) => readFileSync(file, 'utf8').includes(missingCard));
    expect(pointing.map((file) => relative(root, file))).toEqual([]);
  });

  it('names only variables the code reads', () => {
    const code = codeText();
    const named = [...new Set([...doc.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)(?:=[^`]*)?`/g)].map((m) => m[1]!))];
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`).test(code))).toEqual([]);
  });

  it('cites only repository paths that exist', () => {
    // The page also names files bare, under a paragraph that gives their folder; only paths with a folder are checked.
    const cited = citedRepositoryPaths(doc).filter((path) => path.includes('/'));
    expect(cited.length).toBeGreaterThan(40);
    expect(cited).toContain('kube/informer.ts');
    expect(missingPaths(root, PATH_BASES, cited)).toEqual([]);
    expect(missingPaths(root, ['docs'], relativeLinks(doc).map((link) => link.file))).toEqual([]);
  });
});
