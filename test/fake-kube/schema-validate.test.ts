import { describe, expect, it } from 'vitest';
import { validateCustomResource } from './schema-validate.ts';

const schema = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      required: ['symbol'],
      properties: {
        symbol: { type: 'string', pattern: '^[A-Z0-9]+/[A-Z0-9]+$', maxLength: 12, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'symbol is immutable' }] },
        exchange: { type: 'string', minLength: 2 },
        policy: { type: 'string', enum: ['Always', 'Manual'] },
        window: { type: 'integer', minimum: 8, maximum: 1000 },
        dropout: { type: 'number', minimum: 0, exclusiveMaximum: true, maximum: 1 },
        quantiles: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'number' } },
        conditions: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], items: { type: 'object', properties: { type: { type: 'string' } } } },
        port: { 'x-kubernetes-int-or-string': true },
        trainedAt: { type: 'string', format: 'date-time' },
        market: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }], properties: { venue: { type: 'string' } } },
        target: { type: 'object', anyOf: [{ required: ['a'] }, { required: ['b'] }], properties: { a: { type: 'string' }, b: { type: 'string' } } },
      },
    },
  },
};

const base = { apiVersion: 'x/v1', kind: 'W', metadata: { name: 'a' } };

describe('validateCustomResource', () => {
  it('accepts a valid object', () => {
    expect(validateCustomResource({ ...base, spec: { symbol: 'BTC/USDT', window: 8, dropout: 0.5, quantiles: [0.5], port: 'http', trainedAt: '2025-01-02T03:04:05Z' } }, schema)).toEqual([]);
  });

  it('reports every violation with the apiserver wording', () => {
    const causes = validateCustomResource(
      {
        ...base,
        spec: {
          symbol: 'btc',
          exchange: 'x',
          policy: 'Sometimes',
          window: 2,
          dropout: 1,
          quantiles: [0.1, 0.2, 0.3, 0.4],
          conditions: [{ type: 'Ready' }, { type: 'Ready' }],
          port: 1.5,
          trainedAt: 'yesterday',
          target: {},
        },
      },
      schema,
    );
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      `spec.symbol: Invalid value: "btc": spec.symbol in body should match '^[A-Z0-9]+/[A-Z0-9]+$'`,
      'spec.exchange: Invalid value: "x": spec.exchange in body should be at least 2 chars long',
      'spec.policy: Unsupported value: "Sometimes": supported values: "Always", "Manual"',
      'spec.window: Invalid value: 2: spec.window in body should be greater than or equal to 8',
      'spec.dropout: Invalid value: 1: spec.dropout in body should be less than 1',
      'spec.quantiles: Too many: 4: must have at most 3 items',
      'spec.conditions[1]: Duplicate value: {"type":"Ready"}',
      'spec.port: Invalid value: "number": spec.port in body must be of type integer or string: "number"',
      'spec.trainedAt: Invalid value: "yesterday": spec.trainedAt in body must be of type date-time: "yesterday"',
      'spec.target: Invalid value: {}: spec.target in body must validate at least one schema (anyOf)',
    ]);
    expect(causes.find((c) => c.field === 'spec.policy')?.reason).toBe('FieldValueNotSupported');
  });

  it('reports wrong types, missing required fields and too-long strings', () => {
    const causes = validateCustomResource({ ...base, spec: { window: 'ten', exchange: 'binance', quantiles: [] } }, schema);
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.symbol: Required value',
      'spec.window: Invalid value: "string": spec.window in body must be of type integer: "string"',
      'spec.quantiles: Invalid value: 0: spec.quantiles in body should have at least 1 items',
    ]);
    expect(validateCustomResource(base, schema)).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec' }]);
    expect(validateCustomResource({ ...base, spec: { symbol: 'ABCDEFG/HIJKLMN' } }, schema)[0]?.message).toBe('Too long: may not be more than 12 bytes');
  });

  it('enforces self == oldSelf only on updates, with the rule message or the default one', () => {
    const previous = { ...base, spec: { symbol: 'BTC/USDT', market: { venue: 'binance' } } };
    const next = { ...base, spec: { symbol: 'ETH/USDT', market: { venue: 'kraken' } } };
    expect(validateCustomResource(next, schema)).toEqual([]);
    expect(validateCustomResource(next, schema, previous).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.symbol: Invalid value: "string": symbol is immutable',
      'spec.market: Invalid value: "object": failed rule: self == oldSelf',
    ]);
    expect(validateCustomResource(previous, schema, previous)).toEqual([]);
  });
});
