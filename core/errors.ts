/**
 * Input the user can fix (unknown symbol, too little history, a malformed CSV row, an invalid spec).
 * The trainer exits with code 2 for these; `field` names the offending field or location when known.
 */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  readonly field: string | undefined;

  constructor(message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
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
