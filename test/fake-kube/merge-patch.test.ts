import { describe, expect, it } from 'vitest';
import { applyMergePatch, applyStrategicMergePatch } from './merge-patch.ts';

describe('applyMergePatch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });
});

describe('applyStrategicMergePatch', () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'server', image: 'server:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
    metadata: { finalizers: ['a'] },
  };

  it('merges containers and env by name and honours $setElementOrder (what kubectl apply sends)', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'server' }],
            containers: [{ name: 'server', image: 'server:2', '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }], env: [{ name: 'B', value: '3' }] }],
          },
        },
      },
    };
    expect(applyStrategicMergePatch(deployment, patch)).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'sidecar', image: 'busybox' },
              { name: 'server', image: 'server:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }] },
            ],
          },
        },
      },
      metadata: { finalizers: ['a'] },
    });
  });

  it('deletes list elements with $patch: delete and unions finalizers', () => {
    const patch = {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
      metadata: { finalizers: ['b', 'a'] },
    };
    const result = applyStrategicMergePatch(deployment, patch) as typeof deployment;
    expect(result.spec.template.spec.containers.map((c) => c.name)).toEqual(['server']);
    expect(result.metadata.finalizers).toEqual(['a', 'b']);
  });

  it('removes primitives with $deleteFromPrimitiveList and keeps only $retainKeys', () => {
    const result = applyStrategicMergePatch(
      { metadata: { finalizers: ['a', 'b'] }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] }, spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    );
    expect(result).toEqual({ metadata: { finalizers: ['b'] }, spec: { strategy: { type: 'Recreate' } } });
  });

  it('replaces lists without a merge key and deletes null fields', () => {
    expect(applyStrategicMergePatch({ args: ['a', 'b'], x: 1 }, { args: ['c'], x: null })).toEqual({ args: ['c'] });
  });
});
