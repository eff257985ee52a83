import { unsupportedMediaType } from './api-error.ts';
import type { JsonObject } from './types.ts';

/*
 * kubectl's typed commands (`kubectl create namespace|secret|configmap`) and client-go typed
 * clients send request bodies as Kubernetes protobuf: the magic "k8s\0", then a runtime.Unknown
 * envelope whose `raw` field holds the object. This decodes the few kinds those commands create;
 * any other kind is refused with 415 naming the alternative (send JSON, e.g. `kubectl apply -f`).
 */

type FieldType = 'string' | 'bytes' | 'int' | 'bool' | 'stringMap' | 'bytesMap' | MessageSpec;

interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
}

type MessageSpec = Record<number, FieldSpec>;

const OWNER_REFERENCE: MessageSpec = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};

const OBJECT_META: MessageSpec = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  11: { name: 'labels', type: 'stringMap' },
  12: { name: 'annotations', type: 'stringMap' },
  13: { name: 'ownerReferences', type: OWNER_REFERENCE, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};

const DELETE_OPTIONS: MessageSpec = {
  1: { name: 'gracePeriodSeconds', type: 'int' },
  2: { name: 'preconditions', type: { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } } },
  3: { name: 'orphanDependents', type: 'bool' },
  4: { name: 'propagationPolicy', type: 'string' },
  5: { name: 'dryRun', type: 'string', repeated: true },
};

/** Protobuf layouts (field numbers from k8s.io/api) of the kinds kubectl's generators create. */
const KINDS: Record<string, MessageSpec> = {
  'v1/DeleteOptions': DELETE_OPTIONS,
  'meta.k8s.io/v1/DeleteOptions': DELETE_OPTIONS,
  'v1/Namespace': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
  },
  'v1/Secret': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: 'bytesMap' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'stringMap' },
    5: { name: 'immutable', type: 'bool' },
  },
  'v1/ConfigMap': {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: 'stringMap' },
    3: { name: 'binaryData', type: 'bytesMap' },
    4: { name: 'immutable', type: 'bool' },
  },
};

const UNKNOWN_ENVELOPE: MessageSpec = {
  1: { name: 'typeMeta', type: { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } } },
  2: { name: 'raw', type: 'bytes' },
};

class Reader {
  private offset = 0;
  private readonly buffer: Buffer;

  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }

  get done(): boolean {
    return this.offset >= this.buffer.length;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      const byte = this.buffer[this.offset++];
      if (byte === undefined) throw new Error('truncated varint');
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
  }

  bytes(): Buffer {
    const length = this.varint();
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    if (slice.length !== length) throw new Error('truncated length-delimited field');
    this.offset += length;
    return slice;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.offset += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function decodeMapEntry(entry: Buffer, valueIsBytes: boolean): [string, string] {
  const reader = new Reader(entry);
  let key = '';
  let value = '';
  while (!reader.done) {
    const tag = reader.varint();
    if (tag >>> 3 === 1 && (tag & 7) === 2) key = reader.bytes().toString('utf8');
    else if (tag >>> 3 === 2 && (tag & 7) === 2) {
      const raw = reader.bytes();
      value = valueIsBytes ? raw.toString('base64') : raw.toString('utf8');
    } else reader.skip(tag & 7);
  }
  return [key, value];
}

function decodeMessage(buffer: Buffer, spec: MessageSpec): JsonObject {
  const reader = new Reader(buffer);
  const result: JsonObject = {};
  while (!reader.done) {
    const tag = reader.varint();
    const field = spec[tag >>> 3];
    const wireType = tag & 7;
    if (!field) {
      reader.skip(wireType);
      continue;
    }
    let value: unknown;
    if (field.type === 'int') value = reader.varint();
    else if (field.type === 'bool') value = reader.varint() !== 0;
    else {
      const raw = reader.bytes();
      if (field.type === 'string') {
        value = raw.toString('utf8');
        // Go writes zero-value strings too; "" means unset, as in the JSON the Go client would send.
        if (value === '' && !field.repeated) continue;
      } else if (field.type === 'bytes') value = raw;
      else if (field.type === 'stringMap' || field.type === 'bytesMap') {
        const [key, entry] = decodeMapEntry(raw, field.type === 'bytesMap');
        result[field.name] = { ...((result[field.name] as JsonObject | undefined) ?? {}), [key]: entry };
        continue;
      } else value = decodeMessage(raw, field.type);
    }
    if (field.repeated) result[field.name] = [...((result[field.name] as unknown[] | undefined) ?? []), value];
    else result[field.name] = value;
  }
  return result;
}

/** True when a body is a Kubernetes protobuf envelope. */
export function isKubernetesProtobuf(contentType: string): boolean {
  return contentType === 'application/vnd.kubernetes.protobuf';
}

/** Decodes a protobuf request body into the JSON object it encodes. */
export function decodeProtobufObject(body: Buffer): JsonObject {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw unsupportedMediaType('protobuf body without the "k8s\\0" prefix');
  let envelope: JsonObject;
  try {
    envelope = decodeMessage(body.subarray(4), UNKNOWN_ENVELOPE);
  } catch (error) {
    throw unsupportedMediaType(`undecodable protobuf body: ${(error as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const spec = KINDS[`${typeMeta.apiVersion ?? ''}/${typeMeta.kind ?? ''}`];
  if (!spec || !Buffer.isBuffer(envelope.raw)) {
    throw unsupportedMediaType(
      `the fake API server decodes protobuf bodies only for ${Object.keys(KINDS).join(', ')}; send ${typeMeta.apiVersion ?? '?'} ${typeMeta.kind ?? '?'} as JSON (e.g. kubectl apply -f)`,
    );
  }
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...decodeMessage(envelope.raw, spec) };
}
