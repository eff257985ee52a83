import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { badRequest } from '../http/http-error.ts';
import { inferRequestRefusal, MAX_REQUEST_ENTRIES } from './infer-refusal.ts';

const Parameters = Type.Record(Type.String(), Type.Unknown(), { maxProperties: MAX_REQUEST_ENTRIES, description: 'free-form parameters (ignored)' });

/** One input tensor of a KServe v2 inference request (JSON tensor data, row-major flat or nested). */
export const InferInputSchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: MAX_REQUEST_ENTRIES }),
  datatype: Type.String(),
  parameters: Type.Optional(Parameters),
  data: Type.Array(Type.Unknown()),
}, { additionalProperties: false });

/** One requested output of a KServe v2 inference request. */
export const InferRequestedOutputSchema = Type.Object({ name: Type.String(), parameters: Type.Optional(Parameters) }, { additionalProperties: false });

/**
 * Body of POST /v2/models/{name}/infer (Open Inference Protocol v2). A field the protocol does not define
 * is refused, as on /v1: the protocol carries anything else in the free-form `parameters` maps, and this
 * server announces no extension that would add fields, so an unknown one is a mistake (`output` for
 * `outputs`) that ignoring would answer as if it were not there.
 */
export const InferRequestSchema = Type.Object({
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(Parameters),
  inputs: Type.Array(InferInputSchema, { minItems: 1, maxItems: MAX_REQUEST_ENTRIES }),
  outputs: Type.Optional(Type.Array(InferRequestedOutputSchema, { maxItems: MAX_REQUEST_ENTRIES })),
}, { additionalProperties: false });

/** The fields the protocol defines, per object of a request. */
const INFER_REQUEST_FIELDS = {
  request: Object.keys(InferRequestSchema.properties),
  input: Object.keys(InferInputSchema.properties),
  output: Object.keys(InferRequestedOutputSchema.properties),
};

/** One output tensor of a KServe v2 inference response. */
export const InferOutputSchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer()),
  datatype: Type.Literal('FP32'),
  data: Type.Array(Type.Number(), { description: 'row-major [batch, horizon, quantiles] cumulative log-returns' }),
});

/** Response of POST /v2/models/{name}/infer. */
export const InferResponseSchema = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.Optional(Type.String()),
  outputs: Type.Array(InferOutputSchema),
});

/** A parsed v2 inference request body. */
export type InferRequest = Static<typeof InferRequestSchema>;

/** What the served model accepts. */
export interface TensorContract {
  readonly inputName: string;
  readonly outputName: string;
  readonly window: number;
  readonly featureCount: number;
  /** Most samples per request. */
  readonly maxBatch: number;
}

/** A validated inference request: feature windows laid end to end and how many. */
export interface ParsedInferRequest {
  readonly id: string | undefined;
  readonly features: Float32Array;
  readonly samples: number;
}

const checkInferRequest = Compile(InferRequestSchema);
/** Largest finite float32. */
const FP32_MAX = 3.4028234663852886e38;

/**
 * Validate a v2 inference request against the model: one FP32 input named like the model's, shape
 * [n, window, F], data holding n·window·F numbers finite in float32 (flat, or nested as the shape is), and
 * only known outputs asked for.
 */
export function parseInferRequest(body: unknown, contract: TensorContract): ParsedInferRequest {
  if (!checkInferRequest.Check(body)) throw inferRequestRefusal(checkInferRequest, body, INFER_REQUEST_FIELDS);
  if (body.inputs.length !== 1) throw badRequest('inputs', `the model takes one input ("${contract.inputName}"), got ${body.inputs.length}`);
  const input = body.inputs[0]!;
  if (input.name !== contract.inputName) throw badRequest('inputs[0].name', `the model has no input "${input.name}"; its input is "${contract.inputName}"`);
  if (input.datatype !== 'FP32') throw badRequest('inputs[0].datatype', `must be FP32, got ${input.datatype}`);
  const [samples, window, features, ...extra] = input.shape;
  const expected = `[n, ${contract.window}, ${contract.featureCount}]`;
  if (samples === undefined || window !== contract.window || features !== contract.featureCount || extra.length > 0) {
    throw badRequest('inputs[0].shape', `must be ${expected}, got [${input.shape.join(', ')}]`);
  }
  if (samples < 1 || samples > contract.maxBatch) throw badRequest('inputs[0].shape', `batch size must be between 1 and ${contract.maxBatch}, got ${samples}`);
  for (const [i, output] of (body.outputs ?? []).entries()) {
    if (output.name !== contract.outputName) throw badRequest(`outputs[${i}].name`, `the model has no output "${output.name}"; its output is "${contract.outputName}"`);
  }
  return { id: body.id, features: flattenTensor(input.data, input.shape, 'inputs[0].data'), samples };
}

/**
 * Row-major float32 values of tensor data given flat (numbers only) or nested exactly as deep as `shape`,
 * every level as long as its dimension. Each value must be finite in float32 too: 1e39 would otherwise
 * become Infinity on the way into the model.
 */
function flattenTensor(data: readonly unknown[], shape: readonly number[], field: string): Float32Array {
  const total = shape.reduce((product, dim) => product * dim, 1);
  const out = new Float32Array(total);
  let written = 0;
  const write = (value: unknown, path: string): void => {
    if (typeof value !== 'number') throw badRequest(path, 'must be a number (FP32 tensor data)');
    if (!Number.isFinite(value)) throw badRequest(path, 'must be a finite number');
    out[written] = value;
    if (!Number.isFinite(out[written]!)) throw badRequest(path, `${value} is outside the FP32 range (magnitude at most ${FP32_MAX})`);
    written++;
  };
  const visit = (value: readonly unknown[], path: string, depth: number): void => {
    const dim = shape[depth]!;
    if (value.length !== dim) throw badRequest(path, `holds ${value.length} entries where the shape ${describeShape(shape)} calls for ${dim}`);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const at = `${path}[${i}]`;
      if (depth === shape.length - 1) {
        if (Array.isArray(item)) throw badRequest(at, `is nested deeper than the ${shape.length} dimensions of the shape`);
        write(item, at);
      } else {
        if (!Array.isArray(item)) throw badRequest(at, `must be an array: nested data nests all ${shape.length} dimensions of the shape ${describeShape(shape)}`);
        visit(item, at, depth + 1);
      }
    }
  };

  if (data.some(Array.isArray)) {
    visit(data, field, 0);
    return out;
  }
  if (data.length > total) throw badRequest(field, `holds more than the ${total} values its shape ${describeShape(shape)} calls for`);
  for (let i = 0; i < data.length; i++) write(data[i], `${field}[${i}]`);
  if (written !== total) throw badRequest(field, `holds ${written} values, its shape ${describeShape(shape)} calls for ${total}`);
  return out;
}

function describeShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
