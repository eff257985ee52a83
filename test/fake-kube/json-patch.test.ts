import { describe, expect, it } from 'vitest';
import { KubeApiError } from './api-error.ts';
import { applyJsonPatch } from './json-patch.ts';

describe('applyJsonPatch', () => {
  const target = { metadata: { name: 'btc', labels: { 'a/b': 'x' } }, spec: { quantiles: [0.1, 0.9] } };

  it('applies add, replace, remove, move, copy and test in order', () => {
    const result = applyJsonPatch(target, [
      { op: 'test', path: '/metadata/name', value: 'btc' },
      { op: 'add', path: '/spec/quantiles/1', value: 0.5 },
      { op: 'add', path: '/spec/quantiles/-', value: 0.99 },
      { op: 'replace', path: '/metadata/labels/a~1b', value: 'y' },
      { op: 'copy', from: '/metadata/name', path: '/spec/symbol' },
      { op: 'move', from: '/spec/symbol', path: '/spec/pair' },
      { op: 'remove', path: '/spec/quantiles/0' },
    ]);
    expect(result).toEqual({ metadata: { name: 'btc', labels: { 'a/b': 'y' } }, spec: { quantiles: [0.5, 0.9, 0.99], pair: 'btc' } });
    expect(target.spec.quantiles).toEqual([0.1, 0.9]);
  });

  it('fails a test operation with 422', () => {
    try {
      applyJsonPatch(target, [{ op: 'test', path: '/metadata/name', value: 'eth' }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KubeApiError);
      expect((error as KubeApiError).code).toBe(422);
      expect((error as KubeApiError).message).toBe('jsonpatch test operation does not apply: testing value /metadata/name failed');
    }
  });

  it('refuses to replace or remove a missing path', () => {
    expect(() => applyJsonPatch(target, [{ op: 'replace', path: '/spec/missing', value: 1 }])).toThrow(/doc is missing key: \/spec\/missing/);
    expect(() => applyJsonPatch(target, [{ op: 'remove', path: '/status/phase' }])).toThrow(/doc is missing path/);
    expect(() => applyJsonPatch(target, [{ op: 'add', path: '/spec/quantiles/5', value: 1 }])).toThrow(/out of bounds/);
  });

  it('rejects a body that is not a list of operations with 400', () => {
    expect(() => applyJsonPatch(target, { op: 'add' })).toThrow(/must be an array/);
    expect(() => applyJsonPatch(target, [{ op: 'explode', path: '/spec' }])).toThrow(/unknown JSON patch operation "explode"/);
  });
});
