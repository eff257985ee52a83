import type { DieboldMarianoResult } from './diebold-mariano.ts';

/** Significance level of the verdict written into backtest.json and the manifest (the operator sets its own). */
export const VERDICT_SIGNIFICANCE = 0.05;

/** "beats naive (p = 0.003)", "no evidence of skill vs naive (p = 0.41)" or "worse than naive (p = 0.012)". */
export function describeComparison(result: DieboldMarianoResult, against: string, significance = VERDICT_SIGNIFICANCE): string {
  const p = `p ${formatPValue(result.pValue)}`;
  if (result.pValue < significance && result.meanLossDifference < 0) return `beats ${against} (${p})`;
  if (result.pValue < significance && result.meanLossDifference > 0) return `worse than ${against} (${p})`;
  return `no evidence of skill vs ${against} (${p})`;
}

/** "= 0.041", "< 0.001", "= 1". */
export function formatPValue(p: number): string {
  if (p < 0.001) return '< 0.001';
  if (p >= 0.995) return '= 1';
  return `= ${Number(p.toPrecision(2))}`;
}
