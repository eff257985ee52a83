/** What was wrong with a forecast request's candles: most often an invalid field, or simply too many candles. */
export type CandleRequestProblem = 'invalid' | 'too-many';

/**
 * A forecast request whose candles cannot be used, naming the field at fault (`candles[3].close`,
 * `candles` or `body`); the message reads "<field>: <what is wrong>". Transport-neutral: the HTTP layer
 * decides which status each problem is.
 */
export class CandleRequestError extends Error {
  override readonly name = 'CandleRequestError';
  readonly field: string;
  readonly problem: CandleRequestProblem;

  constructor(field: string, detail: string, problem: CandleRequestProblem = 'invalid') {
    super(`${field}: ${detail}`);
    this.field = field;
    this.problem = problem;
  }
}
