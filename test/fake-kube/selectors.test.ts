import { describe, expect, it } from 'vitest';
import { KubeApiError } from './api-error.ts';
import { exactNameFromFieldSelector, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { KubeObject } from './types.ts';

const pod = (labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({
  metadata: { name: 'trainer-abc', namespace: 'markets', labels },
  ...extra,
});

describe('parseLabelSelector', () => {
  const labels = { app: 'trainer', 'job-name': 'btc-run-1', tier: 'gpu' };

  it.each([
    ['app=trainer', true],
    ['app==trainer', true],
    ['app=server', false],
    ['app!=server', true],
    ['app!=trainer', false],
    ['missing!=x', true],
    ['tier in (gpu, cpu)', true],
    ['tier in (cpu)', false],
    ['tier notin (cpu,tpu)', true],
    ['tier notin (gpu)', false],
    ['missing notin (gpu)', true],
    ['job-name', true],
    ['!job-name', false],
    ['!missing', true],
    ['app=trainer,tier in (gpu,cpu),!missing', true],
    ['app=trainer,tier in (cpu,tpu)', false],
    ['', true],
  ])('%j → %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(pod(labels))).toBe(expected);
  });

  it('treats an object without labels as having none', () => {
    expect(parseLabelSelector('!app')({ metadata: { name: 'x' } })).toBe(true);
    expect(parseLabelSelector('app')({ metadata: { name: 'x' } })).toBe(false);
  });

  it('rejects an invalid key with a 400 naming the selector', () => {
    const parse = () => parseLabelSelector('bad key=1');
    expect(parse).toThrow(KubeApiError);
    expect(parse).toThrow(/invalid label key "bad key" in selector "bad key=1"/);
  });
});

describe('parseFieldSelector', () => {
  it('matches metadata.name and metadata.namespace with = and !=', () => {
    const object = pod({});
    expect(parseFieldSelector('metadata.name=trainer-abc')(object)).toBe(true);
    expect(parseFieldSelector('metadata.name==other')(object)).toBe(false);
    expect(parseFieldSelector('metadata.namespace!=default,metadata.name=trainer-abc')(object)).toBe(true);
    expect(parseFieldSelector('metadata.namespace!=markets')(object)).toBe(false);
  });

  it('reads other dotted paths such as status.phase', () => {
    const object = pod({}, { status: { phase: 'Succeeded' } });
    expect(parseFieldSelector('status.phase=Succeeded')(object)).toBe(true);
    expect(parseFieldSelector('status.phase=Running')(object)).toBe(false);
  });

  it('rejects a term without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(/is not field=value/);
  });

  it('extracts an exact name for direct lookups', () => {
    expect(exactNameFromFieldSelector('metadata.namespace=a,metadata.name=btc')).toBe('btc');
    expect(exactNameFromFieldSelector('metadata.name!=btc')).toBeUndefined();
  });
});
