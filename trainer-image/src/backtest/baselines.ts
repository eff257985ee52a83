import type { Candle } from '../../../core/candle.ts';
import { EWMA_LAMBDA, type VolatilityHistory } from './ewma-volatility.ts';

/** Where a forecast starts: the anchor candle's open time and close. */
export interface ForecastOrigin {
  readonly anchorTime: number;
  readonly anchorClose: number;
}

/** Closes looked up by candle open time, so baselines can reach behind the window and across holes safely. */
export interface CloseHistory {
  closeAt(time: number): number | undefined;
}

/** A baseline's forecast closes for steps 1..horizon, and how many steps fell back to the anchor close. */
export interface BaselineForecast {
  readonly closes: number[];
  readonly fallbackSteps: number;
}

/** Names of the baselines every model is judged against. */
export type BaselineName = 'naive' | 'seasonalNaive' | 'drift' | 'ewmaVolatility';

/** A named forecaster that needs no training. */
export interface Baseline {
  readonly name: BaselineName;
  readonly description: string;
  forecast(origin: ForecastOrigin): BaselineForecast;
  /**
   * Relative width of the interval at this origin: bounds are forecast + anchorClose · scale · offset, with the
   * offsets fitted on training residuals divided by the same scale. Absent: 1 (an unconditional interval).
   */
  intervalScale?(origin: ForecastOrigin): number;
}

/** Grid and forecast shape the baselines work on. */
export interface BaselineSettings {
  readonly stepMs: number;
  readonly window: number;
  readonly horizon: number;
  /** Candles per season (one day of candles). */
  readonly seasonalPeriod: number;
}

/** A close-by-time index over candles. */
export function closeHistory(candles: readonly Candle[]): CloseHistory {
  const byTime = new Map(candles.map((c) => [c.time, c.close]));
  return { closeAt: (time) => byTime.get(time) };
}

/** Naive persistence: every future close equals the anchor close. */
export function naiveForecast(origin: ForecastOrigin, horizon: number): BaselineForecast {
  return { closes: Array.from({ length: horizon }, () => origin.anchorClose), fallbackSteps: 0 };
}

/**
 * Seasonal naive: step s (1-based) repeats the close one season earlier, s − m·⌈s/m⌉ steps from the
 * anchor (m = period), i.e. the most recent observed close at the same phase of the season. When that
 * candle is missing (a hole, or before the series starts) the step falls back to the anchor close.
 */
export function seasonalNaiveForecast(origin: ForecastOrigin, history: CloseHistory, settings: BaselineSettings): BaselineForecast {
  const { stepMs, horizon, seasonalPeriod: period } = settings;
  const closes: number[] = [];
  let fallbackSteps = 0;
  for (let step = 1; step <= horizon; step++) {
    const offset = step - period * Math.ceil(step / period);
    const close = history.closeAt(origin.anchorTime + offset * stepMs);
    if (close === undefined) fallbackSteps++;
    closes.push(close ?? origin.anchorClose);
  }
  return { closes, fallbackSteps };
}

/** Drift: extend the straight line through the first and last close of the window (window + 1 candles). */
export function driftForecast(origin: ForecastOrigin, history: CloseHistory, settings: BaselineSettings): BaselineForecast {
  const { stepMs, window, horizon } = settings;
  const firstTime = origin.anchorTime - window * stepMs;
  const first = history.closeAt(firstTime);
  if (first === undefined) throw new RangeError(`drift needs the close at ${new Date(firstTime).toISOString()}, the start of the window`);
  const slope = (origin.anchorClose - first) / window;
  return { closes: Array.from({ length: horizon }, (_, h) => origin.anchorClose + (h + 1) * slope), fallbackSteps: 0 };
}

/** Baseline names in reporting order. */
export const BASELINE_NAMES: readonly BaselineName[] = ['naive', 'seasonalNaive', 'drift', 'ewmaVolatility'];

/** The baselines over one close history, by name; `volatility` gives the EWMA volatility at each anchor. */
export function createBaselines(history: CloseHistory, settings: BaselineSettings, volatility: VolatilityHistory): Readonly<Record<BaselineName, Baseline>> {
  return {
    naive: { name: 'naive', description: 'naive persistence: the last close', forecast: (origin) => naiveForecast(origin, settings.horizon) },
    seasonalNaive: {
      name: 'seasonalNaive',
      description: `seasonal naive: the close one day (${settings.seasonalPeriod} candles) earlier`,
      forecast: (origin) => seasonalNaiveForecast(origin, history, settings),
    },
    drift: { name: 'drift', description: 'drift: the line through the first and last close of the window', forecast: (origin) => driftForecast(origin, history, settings) },
    ewmaVolatility: {
      name: 'ewmaVolatility',
      description: `naive persistence with an interval scaled by EWMA volatility of log returns (λ = ${EWMA_LAMBDA})`,
      forecast: (origin) => naiveForecast(origin, settings.horizon),
      intervalScale: (origin) => volatility.volatilityAt(origin.anchorTime),
    },
  };
}
