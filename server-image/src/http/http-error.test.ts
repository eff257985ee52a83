import { describe, expect, it } from 'vitest';
import { HttpStatusError } from '../../../core/http/http-status-error.ts';
import { badRequest, HttpError } from './http-error.ts';

describe('HttpError', () => {
  it('is an HttpStatusError, so one base class carries the status of every service', () => {
    const error = new HttpError(503, 'the model is still loading', { headers: { 'Retry-After': '5' } });
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toBeInstanceOf(Error);
    expect({ status: error.status, code: error.code, headers: error.headers, field: error.field }).toEqual({
      status: 503,
      code: 'unavailable',
      headers: { 'Retry-After': '5' },
      field: undefined,
    });
  });

  it('keeps its own name, in the message header of the error too', () => {
    const error = new HttpError(404, 'model "eth-usdt" is not served here');
    expect(error.name).toBe('HttpError');
    expect(String(error)).toBe('HttpError: model "eth-usdt" is not served here');
  });

  it('takes a code over the one its status gives, and keeps the cause', () => {
    const cause = new Error('onnxruntime refused the graph');
    const error = new HttpError(503, 'the model cannot be served', { code: 'model_refused', cause });
    expect([error.code, error.cause, error.headers]).toEqual(['model_refused', cause, {}]);
    expect('cause' in new HttpError(400, 'no cause')).toBe(false);
  });

  it('names the field of a bad request in the field and the message', () => {
    const error = badRequest('inputs[0].datatype', 'must be FP32, got INT8');
    expect({ status: error.status, code: error.code, field: error.field, message: error.message }).toEqual({
      status: 400,
      code: 'bad_request',
      field: 'inputs[0].datatype',
      message: 'inputs[0].datatype: must be FP32, got INT8',
    });
  });
});
