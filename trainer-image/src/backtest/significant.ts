/** Digits kept in backtest.json: far below market noise, and it keeps the file small. */
export const SIGNIFICANT_DIGITS = 6;

/** Round to `digits` significant digits (0 stays 0); keeps JSON compact without losing meaning. */
export function roundSignificant(value: number, digits = SIGNIFICANT_DIGITS): number {
  if (!Number.isFinite(value)) throw new RangeError(`cannot round a non-finite value: ${value}`);
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}
