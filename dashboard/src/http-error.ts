import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Options of a {@link DashboardHttpError}. */
export interface DashboardHttpErrorOptions {
  /** Machine-readable kind, e.g. `target_unreachable`. */
  readonly code: string;
  /** The target the failure is about, when there is one. */
  readonly target?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/** An error the backend answers with: HTTP status, a message for the page, and the failing target. */
export class DashboardHttpError extends Error {
  override readonly name = 'DashboardHttpError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly target: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: ContentfulStatusCode, message: string, options: DashboardHttpErrorOptions) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = options.code;
    this.target = options.target;
    this.headers = options.headers ?? {};
  }
}

/** The one JSON error shape of the dashboard API: `{ error, code, target? }`. */
export function errorResponse(c: Context, error: DashboardHttpError): Response {
  const body = { error: error.message, code: error.code, ...(error.target === undefined ? {} : { target: error.target }) };
  return c.json(body, error.status, { 'Cache-Control': 'no-store', ...error.headers });
}
