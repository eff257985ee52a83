import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { toStructuralSchema } from './openapi.ts';
import { QuantitySchema } from './kubernetes-types.ts';

describe('toStructuralSchema', () => {
  it('turns a union of string literals into an enum, keeping the default', () => {
    const schema = Type.Union([Type.Literal('A'), Type.Literal('B')], { default: 'A', description: 'letters' });
    expect(toStructuralSchema(schema)).toEqual({ type: 'string', enum: ['A', 'B'], default: 'A', description: 'letters' });
  });

  it('turns a union with null into a nullable schema', () => {
    expect(toStructuralSchema(Type.Union([Type.Number(), Type.Null()]))).toEqual({ type: 'number', nullable: true });
  });

  it('writes exclusive bounds the OpenAPI v3 way', () => {
    expect(toStructuralSchema(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }))).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      exclusiveMaximum: true,
    });
  });

  it('drops defaulted fields from required and additionalProperties: false from objects', () => {
    const schema = Type.Object({ a: Type.String(), b: Type.Integer({ default: 3 }), c: Type.Optional(Type.String()) }, { additionalProperties: false });
    expect(toStructuralSchema(schema)).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'integer', default: 3 }, c: { type: 'string' } },
      required: ['a'],
    });
  });

  it('turns a record into additionalProperties', () => {
    expect(toStructuralSchema(Type.Record(Type.String(), Type.String()))).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('keeps int-or-string quantities in the form Kubernetes allows, with the string pattern beside anyOf', () => {
    expect(toStructuralSchema(QuantitySchema)).toEqual({
      'x-kubernetes-int-or-string': true,
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern: expect.stringContaining('[KMGTPE]i'),
      maxLength: 64,
    });
  });

  it('carries CEL rules and list-map markers through', () => {
    const schema = Type.Array(Type.Object({ type: Type.String() }), { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
    expect(toStructuralSchema(schema)).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], items: { required: ['type'] } });
  });

  it('refuses an untyped field, which would make the schema non-structural', () => {
    expect(() => toStructuralSchema(Type.Object({ anything: Type.Unknown() }))).toThrow(/no type/);
  });

  it('keeps unknown fields only where a schema asks for it', () => {
    expect(() => toStructuralSchema(Type.Object({}))).toThrow(/x-kubernetes-preserve-unknown-fields/);
    expect(toStructuralSchema(Type.Object({}, { 'x-kubernetes-preserve-unknown-fields': true }))).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('refuses a union with no structural form', () => {
    expect(() => toStructuralSchema(Type.Union([Type.String(), Type.Object({ a: Type.String() })]))).toThrow(/no structural form/);
  });
});
