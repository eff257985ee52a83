import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';

const { TensorProto, AttributeProto } = onnxProto.onnx;

/** One graph node attribute value: an int or a list of ints (all this graph needs). */
export type OnnxAttributeValue = number | readonly number[];

/** A float32 initializer; the bytes are written little-endian as raw_data requires on every host. */
export function floatInitializer(name: string, dims: readonly number[], values: ArrayLike<number>): onnx.ITensorProto {
  assertElementCount(name, dims, values.length);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return { name, dims: [...dims], dataType: TensorProto.DataType.FLOAT, rawData: bytes };
}

/** An int64 initializer (shapes, axes, slice bounds), written little-endian. */
export function int64Initializer(name: string, values: readonly number[]): onnx.ITensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setBigInt64(i * 8, BigInt(value), true));
  return { name, dims: [values.length], dataType: TensorProto.DataType.INT64, rawData: bytes };
}

/** A node of the default ONNX domain; `attributes` keys become attribute names. */
export function onnxNode(
  opType: string,
  name: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, OnnxAttributeValue>> = {},
): onnx.INodeProto {
  return {
    opType,
    name,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attributes).map(([attributeName, value]) => attribute(attributeName, value)),
  };
}

/** A float32 tensor graph input/output; string dims are symbolic (dynamic) dimensions. */
export function floatTensorValueInfo(name: string, dims: readonly (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) },
      },
    },
  };
}

function attribute(name: string, value: OnnxAttributeValue): onnx.IAttributeProto {
  const { AttributeType } = AttributeProto;
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.INTS, ints: [...value] };
}

function assertElementCount(name: string, dims: readonly number[], count: number): void {
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (expected !== count) {
    throw new RangeError(`initializer ${name}: ${count} values do not fill dims [${dims.join(', ')}] (${expected})`);
  }
}
