import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectFieldRows } from '../scripts/crd-field-table.ts';
import { renderCrdFieldSection, replaceBetweenMarkers } from '../scripts/readme-sections.ts';
import { ForecastModelSpecSchema } from '../core/crd/forecast-model.ts';

const README = new URL('../README.md', import.meta.url);

describe('README ForecastModel field reference', () => {
  it('matches the CRD schema (run npm run generate:docs after changing core/crd or core/spec)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(replaceBetweenMarkers(readme, renderCrdFieldSection())).toBe(readme);
  });

  it('documents every leaf field with a description', () => {
    const rows = collectFieldRows(ForecastModelSpecSchema, 'spec');
    expect(rows.map((r) => r.path)).toContain('spec.market.symbol');
    expect(rows.map((r) => r.path)).toContain('spec.promotion.policy');
    for (const row of rows) expect(row.description, row.path).not.toBe('');
  });
});
