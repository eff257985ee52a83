import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { badRequest } from '../http/http-error.ts';
import { firstSchemaProblem } from '../http/schema-problem.ts';

const Parameters = Type.Record(Type.String(), Type.Unknown(), { description: 'free-form parameters (ignored)' });

/** One input tensor of a KServe v2 inference request (JSON tensor data, row-major flat or nested). */
export const InferInputSchema = Type.Object({
  name: Type.String(),
  shape: Type.Array(Type.Integer({ minimum: 0 })),
  datatype: Type.String(),
  parameters: Type.Optional(Parameters),
  data: Type.Array(Type.Unknown()),
});

/** Body of POST /v2/models/{name}/infer (Open Inference Protocol v2). */
export const InferRequestSchema = Type.Object({
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(Parameters),
  inputs: Type.Array(InferInputSchema, { minItems: 1 }),
  outputs: Type.Optional(Type.Array(Type.Object({ name: Type.String(), parameters: Type.Optional(Parameters) }))),
});

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

/**
 * Validate a v2 inference request against the model: one FP32 input named like the model's, shape
 * [n, window, F], data holding n·window·F finite numbers (flat or nested), and only known outputs asked for.
 */
export function parseInferRequest(body: unknown, contract: TensorContract): ParsedInferRequest {
  if (!checkInferRequest.Check(body)) {
    const problem = firstSchemaProblem(checkInferRequest, body) ?? { field: 'body', message: 'is not an inference request' };
    throw badRequest(problem.field, problem.message);
  }
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

/** Row-major float32 values of tensor data given flat or nested to the depth of `shape`. */
function flattenTensor(data: readonly unknown[], shape: readonly number[], field: string): Float32Array {
  const total = shape.reduce((product, dim) => product * dim, 1);
  const out = new Float32Array(total);
  let written = 0;
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw badRequest(path, 'must be a finite number');
      if (written >= total) throw badRequest(field, `holds more than the ${total} values its shape [${shape.join(', ')}] calls for`);
      out[written++] = value;
      return;
    }
    if (!Array.isArray(value)) throw badRequest(path, 'must be a number (FP32 tensor data)');
    if (depth >= shape.length) throw badRequest(path, `is nested deeper than the ${shape.length} dimensions of the shape`);
    for (let i = 0; i < value.length; i++) visit(value[i], `${path}[${i}]`, depth + 1);
  };
  for (let i = 0; i < data.length; i++) visit(data[i], `${field}[${i}]`, 1);
  if (written !== total) throw badRequest(field, `holds ${written} values, its shape [${shape.join(', ')}] calls for ${total}`);
  return out;
}
