import { describe, expect, it } from 'vitest';
import { forecastModelDefinition, trainingRunDefinition } from './definitions.ts';

type Node = Record<string, unknown>;

/** Every schema node of a CRD's openAPIV3Schema with its dotted path (root metadata excluded: the API server owns it). */
function schemaNodes(crd: Record<string, unknown>): [string, Node][] {
  const versions = (crd.spec as { versions: { schema: { openAPIV3Schema: Node } }[] }).versions;
  const nodes: [string, Node][] = [];
  const walk = (node: Node, path: string) => {
    nodes.push([path, node]);
    for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
      if (path !== '' || name !== 'metadata') walk(child, path ? `${path}.${name}` : name);
    }
    if (node.items) walk(node.items as Node, `${path}[]`);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties as Node, `${path}.*`);
  };
  for (const version of versions) walk(version.schema.openAPIV3Schema, '');
  return nodes;
}

const definitions = { ForecastModel: forecastModelDefinition(), TrainingRun: trainingRunDefinition() };

describe.each(Object.entries(definitions))('the %s CRD', (_kind, crd) => {
  const nodes = schemaNodes(crd);

  it('types every field (a structural schema)', () => {
    for (const [path, node] of nodes) expect(node.type !== undefined || node['x-kubernetes-int-or-string'] === true, path).toBe(true);
  });

  it('keeps no unknown fields anywhere, so typos are refused and pruned', () => {
    for (const [path, node] of nodes) expect(node['x-kubernetes-preserve-unknown-fields'], path).toBeUndefined();
  });

  it('says how server-side apply merges every list and map', () => {
    for (const [path, node] of nodes) {
      if (node.type === 'array') expect(node['x-kubernetes-list-type'], path).toBeDefined();
      if (node.type === 'object' && node.additionalProperties) expect(node['x-kubernetes-map-type'], path).toBeDefined();
    }
  });

  it('guards every optional or defaulted field a CEL rule reads with has()', () => {
    // The API server evaluates rules against default values (e.g. `default: {}`) when the CRD is created.
    for (const [path, node] of nodes) {
      const required = new Set((node.required ?? []) as string[]);
      for (const { rule } of (node['x-kubernetes-validations'] ?? []) as { rule: string }[]) {
        for (const [, field] of rule.matchAll(/self\.([A-Za-z]\w*)\b(?!\()/g)) {
          if (!required.has(field!)) expect(rule, `${path}: ${field}`).toContain(`has(self.${field})`);
        }
      }
    }
  });

  it('bounds the size of every list and string a CEL rule walks, so its cost is bounded', () => {
    for (const [path, node] of nodes) {
      if (!node['x-kubernetes-validations']) continue;
      if (node.type === 'array') expect(node.maxItems, path).toBeDefined();
      if (node.type === 'string') expect(node.maxLength, path).toBeDefined();
    }
  });
});
