import { describe, expect, it } from 'vitest';
import { BACKTEST_SCHEMA_VERSION, parseBacktest, readBacktest, UnsupportedBacktestError } from './backtest.ts';
import type { ArtifactStore } from './artifact-store.ts';

const storeHolding = (text: string): ArtifactStore => ({
  baseUri: 'file:///runs/r1/',
  put: async () => undefined,
  get: async () => new TextEncoder().encode(text),
  exists: async () => true,
  removeAll: async () => undefined,
});

describe('parseBacktest', () => {
  it('refuses a schemaVersion it does not know, naming the version it reads', () => {
    expect(() => parseBacktest({ schemaVersion: 1, forecasters: {}, predictions: [] }, 'file:///runs/r1/')).toThrow(
      new UnsupportedBacktestError('backtest.json at file:///runs/r1/ has schemaVersion 1; this build reads schemaVersion 2 only (retrain to get a current backtest)'),
    );
    expect(() => parseBacktest({ schemaVersion: 3 }, 'x')).toThrow(/has schemaVersion 3; this build reads schemaVersion 2/);
    expect(() => parseBacktest([], 'x')).toThrow(/not a JSON object/);
  });

  it('names the first invalid field of a current-version file', () => {
    expect(() => parseBacktest({ schemaVersion: BACKTEST_SCHEMA_VERSION, timeframe: '1h' }, 'x')).toThrow(/backtest.json at x is invalid: backtest.window is required/);
  });

  it('reads backtest.json from an artifact store and reports bad JSON', async () => {
    await expect(readBacktest(storeHolding('{"schemaVersion": 1}'))).rejects.toThrow(/schemaVersion 1/);
    await expect(readBacktest(storeHolding('{nope'))).rejects.toThrow(/backtest.json at file:\/\/\/runs\/r1\/ is not valid JSON/);
  });
});
