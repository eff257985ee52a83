/**
 * Prometheus metric names in the docs against the registries of the inference service and the operator: every
 * `mur_*` name the docs give is registered (a `mur_x_*` family must match one), and every `mur_*` metric of
 * ours is documented by name in its component's README (Node's process metrics excepted).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createOperatorMetrics } from '../operator/metrics.ts';
import { createServerMetrics } from '../server-image/src/metrics/server-metrics.ts';

const root = join(import.meta.dirname, '..');
const DOCS = ['README.md', 'server-image/README.md', 'operator/README.md', 'dashboard/README.md', 'charts/make-us-rich/README.md'];

async function namesOf(registry: Registry): Promise<string[]> {
  return (await registry.getMetricsAsJSON()).map((metric) => metric.name);
}

/** Node.js process metrics under the operator's prefix: prom-client's defaults, not ours to document one by one. */
async function processMetricNames(prefix: string): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return new Set(await namesOf(registry));
}

/**
 * Metric names a doc gives: `mur_a_b` (a `{label,…}` set after it is labels), `mur_a_{b,c}` (braces right after
 * an underscore: each alternative), and `mur_a_*` families (ending in `_`).
 */
function documentedNames(file: string): { names: string[]; families: string[] } {
  const text = readFileSync(join(root, file), 'utf8');
  const names = new Set<string>();
  const families = new Set<string>();
  for (const [, base, alternatives] of text.matchAll(/\b(mur_[a-z0-9_]*)(?:\{([a-z0-9_,]+,[a-z0-9_,]+)\})?/g)) {
    if (alternatives && base!.endsWith('_')) for (const alternative of alternatives.split(',')) names.add(`${base}${alternative}`);
    else if (base!.endsWith('_')) families.add(base!);
    else names.add(base!);
  }
  return { names: [...names], families: [...families] };
}

describe('metric names in the docs', async () => {
  const server = (await namesOf(createServerMetrics({ processMetrics: false }).registry)).filter((n) => n.startsWith('mur_'));
  const processMetrics = await processMetricNames('mur_operator_');
  const operator = (await namesOf(createOperatorMetrics().registry)).filter((n) => n.startsWith('mur_') && !processMetrics.has(n));
  const registered = [...server, ...operator];

  it.each(DOCS)('%s names only registered metrics', (file) => {
    const { names, families } = documentedNames(file);
    expect(names.filter((name) => !registered.includes(name) && !processMetrics.has(name))).toEqual([]);
    expect(families.filter((family) => !registered.some((name) => name.startsWith(family)))).toEqual([]);
  });

  it.each([
    ['server-image/README.md', server],
    ['operator/README.md', operator],
  ] as const)('%s documents every metric of its component by name', (file, names) => {
    expect(names.length).toBeGreaterThan(5);
    const documented = documentedNames(file).names;
    expect(names.filter((name) => !documented.includes(name))).toEqual([]);
  });
});
