/**
 * The inference address the docs tell users is the one the operator creates: Service `<fm>-forecast` on port
 * 80 (operator/naming.ts, operator/builders/inference.ts). A doc that drifts back to another name or port
 * fails here, with the file and the address.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInferenceService, inferenceEndpoint } from '../operator/builders/inference.ts';
import type { ForecastModelObject } from '../operator/kube/objects.ts';
import { servingName } from '../operator/naming.ts';

const ROOT = join(import.meta.dirname, '..');
const DOCS = [
  'README.md',
  'dashboard/README.md',
  'operator/README.md',
  'charts/make-us-rich/README.md',
  'charts/make-us-rich/values.yaml',
  'charts/make-us-rich/values.schema.json',
  'charts/make-us-rich/templates/NOTES.txt',
];
// In-cluster service URLs as the docs write them: http://<name>.<namespace>.svc[.cluster.local][:port]
const SERVICE_URL = /http:\/\/([a-z0-9<>{}$. -]+?)\.([a-z0-9<>{}$ -]+?)\.svc(?:\.cluster\.local)?(?::(\d+))?(?=[\s/`'")\]}]|$)/g;

const fm = { apiVersion: 'forecasting.makeusrich.io/v1alpha1', kind: 'ForecastModel', metadata: { name: 'btc-usdt', namespace: 'markets', uid: 'u' } } as unknown as ForecastModelObject;

describe('the inference address in the docs', () => {
  it('is what the operator builds: Service <fm>-forecast on port 80', () => {
    expect(servingName('btc-usdt')).toBe('btc-usdt-forecast');
    expect(buildInferenceService(fm).spec?.ports).toEqual([expect.objectContaining({ port: 80 })]);
    expect(inferenceEndpoint(fm, 'cluster.local')).toBe('http://btc-usdt-forecast.markets.svc.cluster.local');
  });

  it.each(DOCS)('%s names inference services as the operator does', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const wrong: string[] = [];
    for (const match of text.matchAll(SERVICE_URL)) {
      const [url, name, , port] = match;
      // The chart's own Services (dashboard, metrics) are not inference services.
      if (/dashboard|operator|metrics|minio/.test(name!)) continue;
      if (!/-forecast$/.test(name!) || (port !== undefined && port !== '80')) wrong.push(url);
    }
    expect(wrong, `${file}: inference addresses that are not <fm>-forecast on port 80`).toEqual([]);
  });
});
