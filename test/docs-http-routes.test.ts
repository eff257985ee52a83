/**
 * The HTTP API tables of README and server-image/README against the inference service itself: every route a
 * table lists is one the app serves and its OpenAPI document describes, and every route the app serves is
 * listed. Table cells write optional segments in brackets (`/v2/models/{name}[/versions/{v}]`) and further
 * paths of the same method after a comma (`GET /healthz`, `/readyz`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../server-image/src/app.ts';
import { createServerMetrics } from '../server-image/src/metrics/server-metrics.ts';
import { buildOpenApiDocument } from '../server-image/src/routes/openapi.ts';
import type { ServingState } from '../server-image/src/serving-state.ts';

const root = join(import.meta.dirname, '..');
const DOCS = ['README.md', 'server-image/README.md'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

/** `METHOD /path` with every path parameter written `{}` and no trailing slash (Hono's `:name`, OpenAPI's `{name}`). */
const normalise = (method: string, path: string) => `${method} ${path.replace(/:[a-zA-Z]+|\{[^}]*\}/g, '{}').replace(/(.)\/$/, '$1')}`;

/** Every path with and without each bracketed optional part. */
function expandOptional(path: string): string[] {
  const open = path.indexOf('[');
  if (open < 0) return [path];
  const close = path.indexOf(']', open);
  const rest = path.slice(close + 1);
  return [...expandOptional(path.slice(0, open) + rest), ...expandOptional(path.slice(0, open) + path.slice(open + 1, close) + rest)];
}

/** Routes of a doc's route table: rows whose first cell starts with `` `METHOD /… ``. */
function documentedRoutes(file: string): string[] {
  const routes = new Set<string>();
  const text = readFileSync(join(root, file), 'utf8');
  const rows = text.split('\n').filter((line) => /^\| `(GET|POST|PUT|PATCH|DELETE|HEAD) \//.test(line));
  // Benchmark tables also start rows with a route, then a figure: only rows of a route table (auth column yes/no).
  for (const row of rows.filter((r) => /^\|[^|]*\| (yes|no) \|/.test(r))) {
    let method = '';
    for (const [, span] of row.split('|')[1]!.matchAll(/`([^`]+)`/g)) {
      const [first, second] = span!.split(' ');
      const path = METHODS.includes(first as (typeof METHODS)[number]) ? ((method = first!), second!) : first!;
      if (path.startsWith('/')) for (const p of expandOptional(path)) routes.add(normalise(method, p));
    }
  }
  return [...routes].sort();
}

/** The app's own routes: what Hono registered, without its middleware entries. */
function servedRoutes(): string[] {
  const state = { modelStatus: () => ({ state: 'loading' }), liveFeed: () => undefined, trackRecord: () => undefined, modelName: () => 'btc-usdt', draining: () => false } as unknown as ServingState;
  const app = createApp({
    state,
    tokens: { match: () => undefined },
    limiter: undefined,
    metrics: createServerMetrics({ processMetrics: false }),
    logger: pino({ level: 'silent' }),
    clock: { now: () => 0 } as never,
    bodyLimitBytes: 1_048_576,
    maxInferBatch: 64,
    serverVersion: '0.0.0-test',
  });
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL' && !r.path.includes('*')).map((r) => normalise(r.method, r.path)))].sort();
}

/** Routes the OpenAPI document describes. */
function openApiRoutes(): string[] {
  const document = buildOpenApiDocument({ serverVersion: '0.0.0-test' }) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => normalise(method.toUpperCase(), path)));
}

describe('HTTP API tables in the docs', () => {
  const served = servedRoutes();
  const described = new Set(openApiRoutes());

  it.each(DOCS)('%s lists only routes the inference service serves', (file) => {
    const documented = documentedRoutes(file);
    expect(documented).toEqual(expect.arrayContaining(['GET /v1/forecast', 'POST /v2/models/{}/versions/{}/infer']));
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
  });

  it.each(DOCS)('%s lists every route the inference service serves', (file) => {
    const documented = documentedRoutes(file);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('every documented route without a version segment is in the OpenAPI document', () => {
    const documented = DOCS.flatMap(documentedRoutes).filter((route) => !route.includes('/versions/'));
    expect(documented.filter((route) => !described.has(route))).toEqual([]);
  });
});
