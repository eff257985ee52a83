import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { resolveForecastModelSpec } from '../core/crd/resolve.ts';
import { CHART_DIR, CHART_S3_SECRET_NAME, renderGeneratedFiles } from '../scripts/generate-crds.ts';

const root = join(import.meta.dirname, '..');

describe('generated manifests', () => {
  for (const [path, expected] of renderGeneratedFiles()) {
    it(`${path} matches the schemas it is generated from (run: npm run generate:crds)`, () => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(expected);
    });
  }
});

describe('the Helm chart', () => {
  it('renders the generated rules with a helper its templates define', () => {
    const helper = /include "([^"]+)"/.exec(CHART_S3_SECRET_NAME)?.[1];
    expect(helper).toBe('make-us-rich.s3SecretName');
    expect(readFileSync(join(root, CHART_DIR, 'templates/_helpers.tpl'), 'utf8')).toContain(`{{- define "${helper}" -}}`);
  });
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
