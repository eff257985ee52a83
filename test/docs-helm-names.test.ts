/**
 * The chart's object names as the docs give them are the ones `helm template` renders, for a release name that
 * contains the chart name and one that does not. README's kubectl commands name objects of the release
 * `make-us-rich`; the chart and dashboard READMEs write `<fullname>-…` and define `<fullname>`. Both are read
 * through that definition and checked against the rendered chart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { locateHelm, runHelm } from '../local-cluster/helm.ts';

const root = join(import.meta.dirname, '..');
const chartDir = join(root, 'charts/make-us-rich');
const helm = locateHelm();
const CHART = 'make-us-rich';
/** The release of README's commands, and two more: one holding the chart name, one not. */
const RELEASES = ['make-us-rich', 'mur', 'desk-make-us-rich'];
const README_RELEASE = 'make-us-rich';
/** kubectl's short and long resource names for the kinds README's commands name. */
const KINDS: Record<string, string> = { deployment: 'Deployment', deploy: 'Deployment', svc: 'Service', service: 'Service', secret: 'Secret', sa: 'ServiceAccount', serviceaccount: 'ServiceAccount', configmap: 'ConfigMap', cm: 'ConfigMap' };
/** Docs that write chart object names as `<fullname>-suffix`. */
const FULLNAME_DOCS = ['charts/make-us-rich/README.md', 'dashboard/README.md', 'README.md'];

/** `<fullname>` as the docs define it: the release name when it contains the chart name, else `<release>-<chart>`. */
function documentedFullname(release: string): string {
  return (release.includes(CHART) ? release : `${release}-${CHART}`).slice(0, 63).replace(/-+$/, '');
}

type Rendered = { kind: string; metadata: { name: string } };

/** Every `kind/name` in a kubectl command of README: code-block lines and inline code starting with `kubectl`. */
function readmeKubectlObjects(): { ref: string; kind: string; name: string }[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```(?:bash|sh)?\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const blockLines = blocks.join('\n').split('\n').filter((l) => /^\s*kubectl\s/.test(l));
  const inline = [...readme.replace(/```[\s\S]*?```/g, '').matchAll(/`(kubectl [^`]+)`/g)].map((m) => m[1]!);
  const found: { ref: string; kind: string; name: string }[] = [];
  for (const line of [...blockLines, ...inline]) {
    for (const match of line.matchAll(/\b([a-z]+)\/([a-z0-9][a-z0-9.-]*)/g)) {
      const kind = KINDS[match[1]!];
      if (kind) found.push({ ref: match[0], kind, name: match[2]! });
    }
  }
  return found;
}

/** The `<fullname>-suffix` names a doc mentions. */
function fullnameSuffixes(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...new Set([...text.matchAll(/<fullname>-([a-z0-9-]*[a-z0-9])/g)].map((m) => m[1]!))];
}

describe.skipIf(!helm.available)(`chart object names in the docs, against helm template${helm.available ? '' : ' (SKIPPED: no helm)'}`, () => {
  const rendered = new Map<string, Rendered[]>();
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'mur-docs-helm-'));
    for (const release of RELEASES) {
      const objects: Rendered[] = [];
      // Defaults (dashboard with discovery) and every optional monitoring object.
      for (const values of [['--set', 's3.endpoint=http://minio.minio.svc:9000', '--set', 's3.accessKeyId=k', '--set', 's3.secretAccessKey=s'], ['-f', join(chartDir, 'ci/monitoring-values.yaml')]]) {
        const result = await runHelm(helm.available ? helm.path : '', ['template', release, chartDir, '-n', 'make-us-rich', ...values], { stateDir });
        if (result.code !== 0) throw new Error(`helm template ${release} failed: ${result.stderr}`);
        objects.push(...parseAllDocuments(result.stdout).map((d) => d.toJS() as Rendered | null).filter((o): o is Rendered => o !== null));
      }
      rendered.set(release, objects);
    }
  }, 120_000);
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  const has = (release: string, kind: string | undefined, name: string) => rendered.get(release)!.some((o) => o.metadata.name === name && (kind === undefined || o.kind === kind));

  it('README names chart objects in its kubectl commands, and each is rendered under every release name', () => {
    const prefix = documentedFullname(README_RELEASE);
    const chartObjects = readmeKubectlObjects().filter((o) => o.name.startsWith(`${prefix}-`));
    expect(chartObjects.map((o) => o.ref)).toEqual(expect.arrayContaining(['deployment/make-us-rich-operator', 'svc/make-us-rich-dashboard']));
    const missing: string[] = [];
    for (const { ref, kind, name } of chartObjects) {
      for (const release of RELEASES) {
        const expected = `${documentedFullname(release)}${name.slice(prefix.length)}`;
        if (!has(release, kind, expected)) missing.push(`${ref} → ${kind} ${expected} (release ${release})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(FULLNAME_DOCS)('%s: every <fullname>-… object is rendered under every release name', (file) => {
    const suffixes = fullnameSuffixes(file);
    if (file !== 'README.md') expect(suffixes.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const suffix of suffixes) {
      for (const release of RELEASES) {
        const expected = `${documentedFullname(release)}-${suffix}`;
        if (!has(release, undefined, expected)) missing.push(`<fullname>-${suffix} → ${expected} (release ${release})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('no doc names chart objects as <release>-… (wrong for a release without the chart name)', () => {
    const wrong = FULLNAME_DOCS.flatMap((file) => [...readFileSync(join(root, file), 'utf8').matchAll(/<release>-(?!make-us-rich)[a-z]+/g)].map((m) => `${file}: ${m[0]}`));
    expect(wrong).toEqual([]);
  });
});
