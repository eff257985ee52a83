// The service's layers, lowest first: a module may import from its own layer and the layers below, never
// from one above. Every source file must belong to a layer, so a new folder has to be placed in one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importSpecifiers } from '../../test/support/import-graph.ts';

const LAYERS: ReadonlyArray<{ readonly name: string; readonly members: readonly string[] }> = [
  // What a forecast, a model, a token or a metric is, with no HTTP in it.
  { name: 'domain', members: ['auth/', 'feed/', 'forecast/', 'logger.ts', 'metrics/', 'model/', 'track-record/', 'validation/'] },
  // Transport helpers: errors with a status, bodies, headers, what the serving state answers.
  { name: 'http', members: ['http/', 'serving-state.ts'] },
  // The one admission step of every request: request id, token, rate limit, counting.
  { name: 'admission', members: ['admission/'] },
  // Routes, the Hono middleware that admits them, and the fast path.
  { name: 'routes', members: ['fast-path/', 'middleware/', 'oip/', 'routes/'] },
  // Wiring: the app, the HTTP server, the service, its configuration and entry point.
  { name: 'app', members: ['app.ts', 'config.ts', 'http-server.ts', 'main.ts', 'service.ts'] },
];

const SOURCE_ROOT = dirname(fileURLToPath(import.meta.url));

/** The layer index of a path relative to the source root, or undefined when no layer claims it. */
function layerOf(path: string): number | undefined {
  const index = LAYERS.findIndex((layer) => layer.members.some((member) => (member.endsWith('/') ? path.startsWith(member) : path === member)));
  return index === -1 ? undefined : index;
}

/** The relative module specifiers a source text imports (static, type, side-effect, dynamic, re-exports). */
function importedSpecifiers(source: string): string[] {
  return importSpecifiers(source).filter((specifier) => specifier.startsWith('.'));
}

/** Every import of a module under `root` from a layer above its own, as `file → imported file (layer → layer)`. */
function upwardImports(root: string): { unplaced: string[]; violations: string[] } {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  const unplaced: string[] = [];
  const violations: string[] = [];
  for (const file of files.map((name) => name.split('\\').join('/')).sort()) {
    const own = layerOf(file);
    if (own === undefined) {
      unplaced.push(file);
      continue;
    }
    for (const specifier of importedSpecifiers(readFileSync(join(root, file), 'utf8'))) {
      const target = relative(root, resolve(root, dirname(file), specifier)).split('\\').join('/');
      if (target.startsWith('..')) continue; // core/ and package.json sit below the whole service
      const theirs = layerOf(target);
      if (theirs !== undefined && theirs > own) violations.push(`${file} → ${target} (${LAYERS[own]!.name} → ${LAYERS[theirs]!.name})`);
    }
  }
  return { unplaced, violations };
}

describe('server-image layers', () => {
  it('place every source file in a layer', () => {
    expect(upwardImports(SOURCE_ROOT).unplaced).toEqual([]);
  });

  it('never import from a layer above', () => {
    expect(upwardImports(SOURCE_ROOT).violations).toEqual([]);
  });

  it('recognise every form of import the scan relies on', () => {
    const source = [
      "import type { A } from '../http/a.ts';",
      "import {\n  B,\n  C,\n} from './b.ts';",
      "export { D } from '../admission/d.ts';",
      "import './side-effect.ts';",
      "const e = await import('../app.ts');",
      "import { Hono } from 'hono';",
    ].join('\n');
    expect(importedSpecifiers(source)).toEqual(['../http/a.ts', './b.ts', '../admission/d.ts', './side-effect.ts', '../app.ts']);
  });
});
