import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { AppEnv } from './app-env.ts';

/** Options of an HttpError besides its status and message. */
export interface HttpErrorOptions extends ErrorOptions {
  /** The request field at fault, e.g. `candles[3].time` or `body`. */
  readonly field?: string;
  /** Extra response headers, e.g. Retry-After or WWW-Authenticate. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Machine-readable code of the response when the status alone does not say enough, e.g. `model_refused`. */
  readonly code?: string;
}

/**
 * The one error type routes and middleware throw for a client-visible failure. `onError` turns it into a
 * JSON response `{ error, code, field?, requestId }`; `error` is a string so that KServe v2 clients,
 * which read `error`, understand it too.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly field: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly code: string;

  constructor(status: number, message: string, options: HttpErrorOptions = {}) {
    super(message, options);
    this.status = status;
    this.field = options.field;
    this.headers = options.headers ?? {};
    this.code = options.code ?? statusCode(status);
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

/** The JSON body of an error response. */
export interface ErrorBody {
  readonly error: string;
  readonly code: string;
  readonly field?: string;
  readonly requestId?: string;
}

/**
 * Hono `onError` handler: HttpErrors become their status and JSON; anything else is logged with its stack
 * and answered with a bare 500, so no stack trace or internal message reaches a client.
 */
export function createErrorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context<AppEnv>): Response {
    const requestId = c.get('requestId');
    if (error instanceof HttpError) {
      const body: ErrorBody = { error: error.message, code: error.code, ...(error.field !== undefined && { field: error.field }), requestId };
      return c.json(body, error.status as 400, error.headers);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json({ error: error.message || 'request refused', code: statusCode(error.status), requestId } satisfies ErrorBody, error.status);
    }
    logger.error({ err: error, requestId, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error', code: 'internal', requestId } satisfies ErrorBody, 500);
  };
}

/** Hono `notFound` handler answering in the same JSON shape as every other error. */
export function handleNotFound(c: Context<AppEnv>): Response {
  const body: ErrorBody = { error: `no route for ${c.req.method} ${c.req.path}`, code: 'not_found', requestId: c.get('requestId') };
  return c.json(body, 404);
}
