import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run cluster:build', () => {
  it('ends with one clear message and a non-zero exit when Go is missing', () => {
    const cache = mkdtempSync(join(tmpdir(), 'mur-cluster-cache-'));
    try {
      // An empty cache and a PATH holding only node: the build is needed and no Go toolchain can be found.
      const result = spawnSync(process.execPath, [join(import.meta.dirname, 'cluster-build.ts')], {
        env: { PATH: dirname(process.execPath), MUR_CLUSTER_CACHE: cache, HOME: cache },
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toMatch(/^cluster:build: the Go toolchain is needed to build the control plane and was not found \(.*\); install Go 1\.25\.0 or newer$/);
      expect(result.stdout).toBe('');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
