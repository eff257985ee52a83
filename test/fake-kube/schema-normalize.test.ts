import { describe, expect, it } from 'vitest';
import { normalizeCustomResource } from './schema-normalize.ts';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        symbol: { type: 'string' },
        model: {
          type: 'object',
          default: {},
          properties: {
            window: { type: 'integer', default: 72 },
            quantiles: { type: 'array', items: { type: 'number' }, default: [0.1, 0.5, 0.9] },
            note: { type: 'string', nullable: true },
          },
        },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        strict: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

describe('normalizeCustomResource', () => {
  it('applies defaults recursively, including inside a defaulted parent', () => {
    const { value, unknownFields } = normalizeCustomResource({ apiVersion: 'x/v1', kind: 'W', metadata: { name: 'a' }, spec: { symbol: 'BTC/USDT' } }, schema);
    expect(value).toEqual({ apiVersion: 'x/v1', kind: 'W', metadata: { name: 'a' }, spec: { symbol: 'BTC/USDT', model: { window: 72, quantiles: [0.1, 0.5, 0.9] } } });
    expect(unknownFields).toEqual([]);
  });

  it('prunes unknown fields and reports their paths, keeping preserved and additionalProperties maps', () => {
    const { value, unknownFields } = normalizeCustomResource(
      {
        metadata: { name: 'a', anything: 1 },
        spec: { symbol: 'X/Y', colour: 'red', labels: { a: 'b' }, extra: { free: { form: true } }, strict: { a: 'ok', b: 'no' }, model: { window: 10, bogus: 1 } },
        status: { whatever: 1 },
        top: 1,
      },
      schema,
    );
    expect(unknownFields.sort()).toEqual(['.spec.colour', '.spec.model.bogus', '.spec.strict.b', '.top']);
    expect(value).toEqual({
      metadata: { name: 'a', anything: 1 },
      spec: { symbol: 'X/Y', labels: { a: 'b' }, extra: { free: { form: true } }, strict: { a: 'ok' }, model: { window: 10, quantiles: [0.1, 0.5, 0.9] } },
      status: { whatever: 1 },
    });
  });

  it('drops nulls of non-nullable fields before defaulting, keeps nullable nulls', () => {
    const { value } = normalizeCustomResource({ metadata: {}, spec: { model: { window: null, note: null } } }, schema);
    expect(value).toEqual({ metadata: {}, spec: { model: { window: 72, note: null, quantiles: [0.1, 0.5, 0.9] } } });
  });
});
