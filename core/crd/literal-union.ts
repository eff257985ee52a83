import Type, { type TSchema, type TUnsafe } from 'typebox';

/**
 * A union of string literals from a readonly list, typed as the union of its values. (TypeBox infers a
 * union built from a mapped array as an array union, which loses the value types.)
 */
export function literalUnion<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}): TUnsafe<T[number]> {
  const schema: TSchema = Type.Union(values.map((v) => Type.Literal(v)), options);
  return Type.Unsafe<T[number]>(schema);
}
