import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file the dashboard serves, held in memory: the page is a handful of small files read once at start. */
export interface StaticAsset {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** URL path → asset. */
export type StaticAssets = ReadonlyMap<string, StaticAsset>;

/** The page's folder in this repository. */
export const DEFAULT_PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** URL path of the charting library's browser bundle. */
export const CHART_BUNDLE_PATH = '/vendor/lightweight-charts.mjs';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** The standalone ES-module build of lightweight-charts (its one dependency bundled in) from node_modules. */
export function chartBundleFile(): string {
  const packageJson = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return join(dirname(packageJson), 'dist', 'lightweight-charts.standalone.production.mjs');
}

/**
 * Read the page's files (top level of `publicDir`, known types only) and the chart bundle into memory. Only
 * these paths are ever served, so no request path reaches the file system.
 */
export function loadStaticAssets(publicDir: string = DEFAULT_PUBLIC_DIR, chartBundle: string = chartBundleFile()): StaticAssets {
  const assets = new Map<string, StaticAsset>();
  for (const entry of readdirSync(publicDir, { withFileTypes: true })) {
    const contentType = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || contentType === undefined) continue;
    assets.set(`/${entry.name}`, { body: readFileSync(join(publicDir, entry.name)), contentType });
  }
  const index = assets.get('/index.html');
  if (index === undefined) throw new Error(`the dashboard page ${join(publicDir, 'index.html')} is missing`);
  assets.set('/', index);
  assets.set(CHART_BUNDLE_PATH, { body: readFileSync(chartBundle), contentType: CONTENT_TYPES['.mjs']! });
  return assets;
}
