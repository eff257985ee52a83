import { describe, expect, it } from 'vitest';
import { jobFixture, podFixture } from '../test-support/fixtures.ts';
import { jobOutcome, metricsOf, parseRunSummary, trainerTermination } from './summary.ts';

const summary = {
  ok: true,
  artifactUri: 's3://models/markets/btc/btc-1/',
  sha256: 'b'.repeat(64),
  version: 'btc-1',
  metrics: { mase: 0.8, maseStep1: 0.9, naiveMase: 1, skillVsNaive: 0.2, coverage: null, winkler: null, directionalAccuracy: 0.55 },
  backend: 'wasm',
};

describe('parseRunSummary', () => {
  it('reads the one-line summary', () => {
    expect(parseRunSummary(JSON.stringify(summary))).toEqual(summary);
  });

  it('finds the summary at the end of a log tail', () => {
    const tail = ['epoch 1/2 loss=0.3', '{not json', JSON.stringify({ ok: false, error: 'too little history', reason: 'BadInput' }), ''].join('\n');
    expect(parseRunSummary(tail)).toEqual({ ok: false, error: 'too little history', reason: 'BadInput' });
  });

  it('gives nothing for an empty or summary-less message', () => {
    expect(parseRunSummary(undefined)).toBeUndefined();
    expect(parseRunSummary('Error: out of memory\n{"level":30}')).toBeUndefined();
  });
});

describe('metricsOf', () => {
  it('keeps the headline metrics, nulls included', () => {
    expect(metricsOf(summary as never)).toEqual(summary.metrics);
  });

  it('keeps a null directional accuracy (a model that never calls a move) and the Diebold–Mariano results', () => {
    const metrics = { ...summary.metrics, directionalAccuracy: null, medianTest: { against: 'naive', pValue: 0.2, meanLossDifference: -0.01 }, intervalTest: null };
    expect(metricsOf({ ...summary, metrics } as never)).toEqual(metrics);
    expect(metricsOf({ ...summary, metrics: { ...metrics, medianTest: { against: 'naive' } } } as never)).not.toHaveProperty('medianTest');
  });

  it('refuses a summary with a missing metric', () => {
    expect(metricsOf({ ...summary, metrics: { ...summary.metrics, mase: undefined } } as never)).toBeUndefined();
  });
});

describe('trainerTermination and jobOutcome', () => {
  it('reads the trainer container termination of the finished Pod', () => {
    expect(trainerTermination([podFixture('btc-1-train', 0, 'hello')])).toEqual({ exitCode: 0, message: 'hello', reason: 'Completed' });
    expect(trainerTermination([])).toBeUndefined();
  });

  it('tells a completed Job from a failed one and a running one', () => {
    expect(jobOutcome(jobFixture('j', 'complete'))).toEqual({ state: 'Complete' });
    expect(jobOutcome(jobFixture('j', 'failed', 'DeadlineExceeded'))).toMatchObject({ state: 'Failed', reason: 'DeadlineExceeded' });
    expect(jobOutcome(jobFixture('j', 'running'))).toBeUndefined();
  });
});
