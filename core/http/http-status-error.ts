/** Options of an {@link HttpStatusError} besides its status and message. */
export interface HttpStatusErrorOptions extends ErrorOptions {
  /** Machine-readable kind of the failure, e.g. `target_unreachable` or `rate_limited`. */
  readonly code: string;
  /** Extra response headers, e.g. Retry-After or WWW-Authenticate. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * A client-visible failure of an HTTP service: the status to answer with, a message for the client, a
 * machine-readable code and extra headers. Each service's error handler turns it into its JSON body.
 */
export class HttpStatusError<Status extends number = number> extends Error {
  override readonly name: string = 'HttpStatusError';
  readonly status: Status;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: Status, message: string, options: HttpStatusErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = options.code;
    this.headers = options.headers ?? {};
  }
}
