import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpStatusError } from '../../core/http/http-status-error.ts';

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
export class DashboardHttpError extends HttpStatusError<ContentfulStatusCode> {
  override readonly name = 'DashboardHttpError';
  readonly target: string | undefined;

  constructor(status: ContentfulStatusCode, message: string, options: DashboardHttpErrorOptions) {
    super(status, message, { code: options.code, headers: options.headers, cause: options.cause });
    this.target = options.target;
  }
}

/** The one JSON error shape of the dashboard API: `{ error, code, target? }`. */
export function errorResponse(c: Context, error: DashboardHttpError): Response {
  const body = { error: error.message, code: error.code, ...(error.target === undefined ? {} : { target: error.target }) };
  return c.json(body, error.status, { 'Cache-Control': 'no-store', ...error.headers });
}
