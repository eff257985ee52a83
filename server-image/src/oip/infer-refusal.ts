import { badRequest, type HttpError } from '../http/http-error.ts';
import { firstSchemaProblem, firstUnknownProperty, type ErrorLister, type SchemaProblem } from '../validation/schema-problem.ts';

/**
 * Most entries of any list or parameter map in an inference request besides tensor data. No client comes
 * near it (a shape has 3 dimensions, a request one input); it bounds what listing schema errors can cost.
 */
export const MAX_REQUEST_ENTRIES = 64;

/** The fields each object of an inference request may have. */
export interface InferRequestFields {
  readonly request: readonly string[];
  readonly input: readonly string[];
  readonly output: readonly string[];
}

/**
 * The 400 for an inference request that failed `validator` (its compiled schema), naming the first violation.
 *
 * TypeBox lists errors with an interpreter that walks every entry of the value it is given (≈ 3 µs each)
 * however early the first error is: a bad `shape` beside 400,000 data values took a second of the event
 * loop. So it is never given anything large. Tensor data, the one part that is large by right, is listed
 * as empty: its entries are not the schema's business (the tensor check reads them, once). Lists and
 * parameter maps longer than {@link MAX_REQUEST_ENTRIES} are refused by count first, and unknown fields
 * are looked for directly (TypeBox's listing costs much more per key).
 */
export function inferRequestRefusal(validator: ErrorLister, body: unknown, fields: InferRequestFields): HttpError {
  const problem = oversizedPart(body) ?? unknownField(body, fields) ?? firstSchemaProblem(validator, withEmptyTensorData(body));
  return problem === undefined ? badRequest('body', 'is not an inference request') : badRequest(problem.field, problem.message);
}

/** The first list or map of the request with more entries than the schema allows. */
function oversizedPart(body: unknown): SchemaProblem | undefined {
  if (!isRecord(body)) return undefined;
  const parts: Array<[string, unknown]> = [['parameters', body['parameters']], ['inputs', body['inputs']], ['outputs', body['outputs']]];
  for (const name of ['inputs', 'outputs']) {
    const list = body[name];
    if (!Array.isArray(list)) continue;
    list.slice(0, MAX_REQUEST_ENTRIES).forEach((item: unknown, i) => {
      if (isRecord(item)) parts.push([`${name}[${i}].shape`, item['shape']], [`${name}[${i}].parameters`, item['parameters']]);
    });
  }
  for (const [field, value] of parts) {
    if (Array.isArray(value) && value.length > MAX_REQUEST_ENTRIES) return { field, message: `must not have more than ${MAX_REQUEST_ENTRIES} items` };
    if (isRecord(value) && Object.keys(value).length > MAX_REQUEST_ENTRIES) return { field, message: `must not have more than ${MAX_REQUEST_ENTRIES} properties` };
  }
  return undefined;
}

/** The first field of the request, of an input or of a requested output that the protocol does not define. */
function unknownField(body: unknown, fields: InferRequestFields): SchemaProblem | undefined {
  if (!isRecord(body)) return undefined;
  const problem = firstUnknownProperty(body, fields.request);
  if (problem !== undefined) return problem;
  for (const [name, known] of [['inputs', fields.input], ['outputs', fields.output]] as const) {
    const list = body[name];
    if (!Array.isArray(list)) continue;
    for (const [i, item] of list.slice(0, MAX_REQUEST_ENTRIES).entries()) {
      const inItem = isRecord(item) ? firstUnknownProperty(item, known, `${name}[${i}]`) : undefined;
      if (inItem !== undefined) return inItem;
    }
  }
  return undefined;
}

/** `body` with every input's data array emptied (only whether it is an array matters to the schema). */
function withEmptyTensorData(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body['inputs'])) return body;
  const inputs = body['inputs'].map((input: unknown) => (isRecord(input) && Array.isArray(input['data']) ? { ...input, data: [] } : input));
  return { ...body, inputs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
