import { describe, expect, it } from 'vitest';
import type { ResourceDefinition } from './resource-definition.ts';
import { buildTable, humanDuration } from './table.ts';

describe('humanDuration', () => {
  it.each([
    [-5_000, '<invalid>'],
    [-500, '0s'],
    [0, '0s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [180_000, '3m'],
    [600_000, '10m'],
    [179 * 60_000, '179m'],
    [3 * 3_600_000, '3h'],
    [(3 * 60 + 30) * 60_000, '3h30m'],
    [47 * 3_600_000, '47h'],
    [50 * 3_600_000, '2d2h'],
    [8 * 86_400_000, '8d'],
    [800 * 86_400_000, '2y70d'],
    [3000 * 86_400_000, '8y'],
  ])('%i ms → %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('buildTable', () => {
  const def = {
    kind: 'Widget',
    printerColumns: [
      { name: 'Window', type: 'integer', jsonPath: '.spec.window' },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ],
  } as ResourceDefinition;
  const widget = {
    apiVersion: 'example.io/v1',
    kind: 'Widget',
    metadata: { name: 'btc', namespace: 'markets', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { window: 72 },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };

  it('renders Name, the printer columns and ages, with metadata row objects', () => {
    const table = buildTable(def, [widget, { ...widget, metadata: { ...widget.metadata, name: 'eth' }, status: {} }], {
      now: new Date('2025-01-01T01:30:00Z'),
      includeObject: 'Metadata',
      tableVersion: 'v1',
      resourceVersion: '42',
    });
    expect((table.columnDefinitions as { name: string }[]).map((c) => c.name)).toEqual(['Name', 'Window', 'Ready', 'Age']);
    expect((table.rows as { cells: unknown[] }[]).map((r) => r.cells)).toEqual([
      ['btc', 72, 'True', '90m'],
      ['eth', 72, null, '90m'],
    ]);
    expect((table.rows as { object: unknown }[])[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: widget.metadata });
    expect(table.metadata).toEqual({ resourceVersion: '42' });
  });

  it('falls back to Name and Age without printer columns', () => {
    const table = buildTable({ kind: 'Lease' } as ResourceDefinition, [widget], { now: new Date('2025-01-01T00:00:30Z'), includeObject: 'None', tableVersion: 'v1beta1' });
    expect(table.apiVersion).toBe('meta.k8s.io/v1beta1');
    expect(table.rows).toEqual([{ cells: ['btc', '30s'] }]);
  });
});
