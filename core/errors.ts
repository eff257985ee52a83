/** A failure about one field or location of some input, named in `field` when known. */
export class FieldError extends Error {
  override readonly name: string = 'FieldError';
  /** The field or location at fault, when one is. */
  readonly field: string | undefined;

  constructor(message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
  }
}

/**
 * Input the user can fix (unknown symbol, too little history, a malformed CSV row, an invalid spec).
 * The trainer exits with code 2 for these; `field` names the offending field or location when known.
 */
export class BadInputError extends FieldError {
  override readonly name = 'BadInputError';
}

/** A failure carrying a machine-readable `code` (an S3 error code, an API error kind) when one is known. */
export class CodedError extends Error {
  override readonly name: string = 'CodedError';
  readonly code: string | undefined;

  constructor(message: string, code?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True when `error` (or any error in its `cause` chain) is a BadInputError. */
export function isBadInput(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof BadInputError) return true;
  }
  return false;
}

/** The message of `error` followed by the messages of its causes, joined with ": ". */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null; e = e instanceof Error ? e.cause : undefined) {
    parts.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ');
}
