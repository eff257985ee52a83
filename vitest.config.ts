import { defineConfig } from 'vitest/config';

/** Test files that need the real control plane (test/cluster/global-setup.ts starts one per run). */
const CLUSTER_SUITES = ['test/cluster-*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two-core machines: more workers only fight over the CPU that training tests need.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.test.ts'], exclude: ['**/node_modules/**', ...CLUSTER_SUITES] } },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: CLUSTER_SUITES,
          globalSetup: ['test/cluster/global-setup.ts'],
          // Real Jobs, rollouts and garbage collection take seconds each; a whole scenario can take minutes.
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
