import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { HttpStatusError, type HttpStatusErrorOptions } from '../../../core/http/http-status-error.ts';
import { CandleRequestError } from '../forecast/candle-request-error.ts';
import type { AppEnv } from './app-env.ts';

/** Options of an HttpError besides its status and message. */
export interface HttpErrorOptions extends Omit<HttpStatusErrorOptions, 'code'> {
  /** The request field at fault, e.g. `candles[3].time` or `body`. */
  readonly field?: string;
  /** Machine-readable code of the response when the status alone does not say enough, e.g. `model_refused`. */
  readonly code?: string;
}

/**
 * The one error type routes and middleware throw for a client-visible failure. `onError` turns it into a
 * JSON response `{ error, code, field?, requestId }`; `error` is a string so that KServe v2 clients,
 * which read `error`, understand it too.
 */
export class HttpError extends HttpStatusError {
  override readonly name = 'HttpError';
  readonly field: string | undefined;

  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    super(status, message, { code: options.code ?? statusCode(status), headers: options.headers, cause: options.cause });
    this.field = options.field;
  }
}

/** A 400 naming the field at fault; the message reads "<field>: <what is wrong>". */
export function badRequest(field: string, problem: string): HttpError {
  return new HttpError(400, `${field}: ${problem}`, { field });
}

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal',
  503: 'unavailable',
};

/** A short machine-readable code for an HTTP status. */
export function statusCode(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'error');
}

/**
 * The client-visible failure `error` stands for: an HttpError as it is, a domain refusal mapped to its
 * status (a forecast request's candles: 413 for too many, otherwise 400); undefined for anything else,
 * which is an unexpected failure.
 */
export function httpErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof CandleRequestError) {
    return new HttpError(error.problem === 'too-many' ? 413 : 400, error.message, { field: error.field, cause: error });
  }
  return undefined;
}

/** The JSON body of an error response. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly field?: string;
  readonly requestId?: string;
}

/** The JSON body answering `error` to request `requestId`. */
export function errorBody(error: HttpError, requestId: string | undefined): ErrorBody {
  return { error: error.message, code: error.code, ...(error.field !== undefined && { field: error.field }), requestId };
}

/** What a failed request is answered with. */
export interface ErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ErrorBody;
}

/** The request a failure happened in, for its answer and the log. */
export interface FailedRequest {
  readonly requestId: string | undefined;
  readonly method: string;
  readonly path: string;
}

/**
 * The answer to a failed request: a client-visible failure (see {@link httpErrorOf}) gets its status and
 * JSON; anything else is logged with its stack and answered with a bare 500, so no stack trace or internal
 * message reaches a client.
 */
export function errorAnswer(error: unknown, request: FailedRequest, logger: Logger): ErrorAnswer {
  const { requestId } = request;
  const refusal = httpErrorOf(error);
  if (refusal !== undefined) return { status: refusal.status, headers: refusal.headers, body: errorBody(refusal, requestId) };
  if (error instanceof HTTPException && error.status < 500) {
    return { status: error.status, headers: {}, body: { error: error.message || 'request refused', code: statusCode(error.status), requestId } };
  }
  logger.error({ err: error, requestId, method: request.method, path: request.path }, 'request failed');
  return { status: 500, headers: {}, body: { error: 'internal error', code: 'internal', requestId } };
}

/** Hono `onError` handler answering with {@link errorAnswer}. */
export function createErrorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context<AppEnv>): Response {
    const answer = errorAnswer(error, { requestId: c.get('requestId'), method: c.req.method, path: c.req.path }, logger);
    return c.json(answer.body, answer.status as 400, answer.headers);
  };
}

/** Hono `notFound` handler answering in the same JSON shape as every other error. */
export function handleNotFound(c: Context<AppEnv>): Response {
  const body: ErrorBody = { error: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found', requestId: c.get('requestId') };
  return c.json(body, 404);
}
