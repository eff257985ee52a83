import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { resolveForecastModelSpec } from '../core/crd/resolve.ts';
import { renderGeneratedFiles } from '../scripts/generate-crds.ts';

const root = join(import.meta.dirname, '..');

describe('generated manifests', () => {
  for (const [path, expected] of renderGeneratedFiles()) {
    it(`${path} matches the schemas it is generated from (run: npm run generate:crds)`, () => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(expected);
    });
  }
});

describe('examples/btc-forecast.yaml', () => {
  it('holds a ForecastModel that the schema accepts', () => {
    const documents = parseAllDocuments(readFileSync(join(root, 'examples/btc-forecast.yaml'), 'utf8')).map((d) => d.toJS());
    const model = documents.find((d) => d.kind === 'ForecastModel');
    expect(model?.apiVersion).toBe('forecasting.makeusrich.io/v1alpha1');
    const spec = resolveForecastModelSpec(model.spec);
    expect(spec.market.symbol).toBe('BTC/USDT');
    expect(spec.training.schedule).toBe('0 */6 * * *');
    expect(spec.promotion.policy).toBe('BeatCurrent');
  });
});
