/**
 * Every file in examples/ as a user applies it, on the real kube-apiserver with the generated CRDs
 * (`kubectl apply --dry-run=server`: admission and validation run, nothing is stored), so the examples README
 * points to stay valid. Each file's namespace is swapped for a fresh one per test run.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { resolveForecastModelSpec } from '../core/crd/resolve.ts';
import type { ClusterTestContext } from './cluster/global-setup.ts';
import { runKubectl } from './support/kubectl.ts';

const EXAMPLES = join(import.meta.dirname, '..', 'examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
const NAMESPACE = `examples-${randomBytes(3).toString('hex')}`;

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> };
const documentsOf = (file: string) => parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8')).map((d) => d.toJS() as Manifest).filter(Boolean);

let cluster: ClusterTestContext;
const kubectl = (args: readonly string[], stdin?: string) => runKubectl(cluster.kubectl, cluster.adminKubeconfigPath, args, stdin);

beforeAll(async () => {
  cluster = inject('controlPlane');
  const created = await kubectl(['create', 'namespace', NAMESPACE, '--save-config']);
  if (created.code !== 0) throw new Error(`create namespace ${NAMESPACE}: ${created.stderr}`);
});
afterAll(async () => {
  await kubectl(['delete', 'namespace', NAMESPACE, '--wait=false']);
});

describe('examples/', () => {
  it('holds a CPU-only ForecastModel and a GPU one, each named for what it needs', () => {
    expect(files).toContain('btc-forecast.yaml');
    for (const file of files) {
      const models = documentsOf(file).filter((d) => d.kind === 'ForecastModel');
      expect(models.length, `${file} holds a ForecastModel`).toBeGreaterThan(0);
      for (const model of models) {
        const gpu = resolveForecastModelSpec(model.spec).training.gpu;
        // A GPU example without a GPU node never trains: its file name must say so, and only it may ask for one.
        expect(gpu, `${file}: training.gpu`).toBe(/gpu/i.test(file));
      }
    }
    expect(files.some((f) => /gpu/i.test(f))).toBe(true);
  });

  it.each(files)('%s is accepted by the API server (dry-run=server)', async (file) => {
    const documents = documentsOf(file).map((d) =>
      d.kind === 'Namespace' ? { ...d, metadata: { ...d.metadata, name: NAMESPACE } } : { ...d, metadata: { ...d.metadata, ...(d.metadata.namespace ? { namespace: NAMESPACE } : {}) } },
    );
    const result = await kubectl(['apply', '--dry-run=server', '-f', '-'], documents.map((d) => stringify(d)).join('---\n'));
    // Empty: no warning either (an unknown field is only a warning to kubectl's default field validation).
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const d of documents) expect(result.stdout).toContain(`${d.kind.toLowerCase()}`);
  });
});
