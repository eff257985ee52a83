import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { citedRepositoryPaths, headingAnchors, looksLikeRepositoryPath, missingPaths, relativeLinks } from './markdown-paths.ts';

const root = join(import.meta.dirname, '..', '..');

describe('looksLikeRepositoryPath', () => {
  it.each(['src/cli/options.ts', 'config/rbac/', 'rbac.ts', 'charts/make-us-rich/values.yaml', 'test/cluster-*.test.ts', 'operator/Dockerfile'])('takes %s for a path', (word) => {
    expect(looksLikeRepositoryPath(word)).toBe(true);
  });

  it.each(['autoscaling/v2', 'nvidia.com/gpu', 'forecasting.makeusrich.io/v1alpha1', '/v1/forecast', 's3://bucket/prefix/', '~/.cache/x/', '@make-us-rich/core', '.demo/tokens/demo', 'manifest.json', '<cache>/bin/'])(
    'does not take %s for a path',
    (word) => {
      expect(looksLikeRepositoryPath(word)).toBe(false);
    },
  );
});

describe('citedRepositoryPaths', () => {
  it('reads each word of inline code outside fenced blocks, once', () => {
    const page = ['Run `npm exec -- node bin/mur.ts` or `bin/mur.ts`; see `core/`.', '```', 'cat `not/cited.ts`', '```'].join('\n');
    expect(citedRepositoryPaths(page)).toEqual(['bin/mur.ts', 'core/']);
  });

  it('reads a span that wraps onto the next line, so the spans after it pair up right', () => {
    expect(citedRepositoryPaths('Run `npm ci\n--omit=dev` and `scripts/cluster.ts`.')).toEqual(['scripts/cluster.ts']);
  });
});

describe('missingPaths', () => {
  it('looks a path up under each base in turn, and a glob must match a file', () => {
    expect(missingPaths(root, ['operator', '.'], ['kube/informer.ts', 'core/env.ts', 'test/cluster-*.test.ts', 'kube/gone.ts', 'test/nothing-*.test.ts'])).toEqual([
      'kube/gone.ts',
      'test/nothing-*.test.ts',
    ]);
  });
});

describe('relativeLinks and headingAnchors', () => {
  it('finds links to files with their anchors, not web links or in-page anchors', () => {
    const page = 'See [a](../README.md#trainer-settings), [b](../docs/architecture.md), [c](https://example.com/x.md) and [d](#local).';
    expect(relativeLinks(page)).toEqual([
      { file: '../README.md', anchor: 'trainer-settings' },
      { file: '../docs/architecture.md', anchor: undefined },
    ]);
  });

  it('turns headings into the anchors GitHub gives them', () => {
    expect(headingAnchors('## Training a model: `mur train`\n### Quickstart (laptop, two commands)\n')).toEqual(new Set(['training-a-model-mur-train', 'quickstart-laptop-two-commands']));
  });
});
