import { describe, expect, it } from 'vitest';
import { KubeApiError } from './api-error.ts';
import { decodeProtobufObject } from './protobuf-body.ts';

/** Minimal protobuf writer: just enough to build the envelopes kubectl sends. */
function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}
function field(number: number, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.from([...varint((number << 3) | 2), ...varint(data.length), ...data]);
}
function boolField(number: number, value: boolean): Buffer {
  return Buffer.from([...varint(number << 3), value ? 1 : 0]);
}
function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, apiVersion), field(2, kind)]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, typeMeta), field(2, raw)]);
}
const mapEntry = (key: string, value: Buffer | string) => Buffer.concat([field(1, key), field(2, value)]);

describe('decodeProtobufObject', () => {
  it('decodes a Secret with metadata, labels, bytes data and flags', () => {
    const metadata = Buffer.concat([field(1, 'api-token'), field(3, 'markets'), field(11, mapEntry('app', 'mur')), field(11, mapEntry('tier', 'gold')), field(14, 'a'), field(14, 'b')]);
    const secret = Buffer.concat([field(1, metadata), field(2, mapEntry('token', Buffer.from([0, 255, 1]))), field(3, 'Opaque'), boolField(5, true)]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', secret))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'api-token', namespace: 'markets', labels: { app: 'mur', tier: 'gold' }, finalizers: ['a', 'b'] },
      data: { token: Buffer.from([0, 255, 1]).toString('base64') },
      type: 'Opaque',
      immutable: true,
    });
  });

  it('decodes DeleteOptions with a propagation policy', () => {
    const options = Buffer.concat([field(4, 'Foreground'), field(2, field(1, 'uid-1'))]);
    expect(decodeProtobufObject(envelope('meta.k8s.io/v1', 'DeleteOptions', options))).toMatchObject({ propagationPolicy: 'Foreground', preconditions: { uid: 'uid-1' } });
  });

  it('refuses kinds it has no layout for with 415 naming the way out', () => {
    try {
      decodeProtobufObject(envelope('apps/v1', 'Deployment', Buffer.alloc(0)));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KubeApiError);
      expect((error as KubeApiError).code).toBe(415);
      expect((error as KubeApiError).message).toContain('send apps/v1 Deployment as JSON');
    }
    expect(() => decodeProtobufObject(Buffer.from('{"json":true}'))).toThrow(/without the "k8s\\0" prefix/);
  });
});
