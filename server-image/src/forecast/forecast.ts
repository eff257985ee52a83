import type { Candle } from '../../../core/candle.ts';
import type { ArtifactManifest } from '../../../core/manifest.ts';
import { medianIndex } from '../../../core/model-weights.ts';

/** One horizon step of a forecast; times are the instants the prices refer to (candle close times). */
export interface ForecastPoint {
  /** 1 for the next candle, up to the horizon. */
  readonly step: number;
  /** Close time of the forecast candle, ms since the epoch. */
  readonly time: number;
  /** The same instant as ISO 8601 UTC. */
  readonly timestamp: string;
  readonly median: number;
  /** Price at the lowest quantile (the lower interval bound). */
  readonly lower: number;
  /** Price at the highest quantile (the upper interval bound). */
  readonly upper: number;
  /** Price at every quantile, keyed by the quantile level ("0.1", "0.5", …). */
  readonly quantiles: Readonly<Record<string, number>>;
}

/** A forecast as the API returns it, without the staleness fields the live cache adds per request. */
export interface Forecast {
  readonly modelVersion: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** Close price of the last candle the forecast is based on. */
  readonly lastClose: number;
  /** Close time of that candle, ms since the epoch, and as ISO 8601. */
  readonly lastCloseTime: number;
  readonly lastCloseTimestamp: string;
  /** Quantile levels, ascending; `interval` names the outer ones used for lower/upper. */
  readonly quantileLevels: readonly number[];
  readonly interval: { readonly lower: number; readonly upper: number };
  readonly points: readonly ForecastPoint[];
}

/** Everything {@link buildForecast} needs from the model besides its output. */
export type ForecastModelInfo = Pick<ArtifactManifest, 'version' | 'market' | 'quantiles' | 'horizon'>;

/**
 * Turn the model's cumulative log-returns `y` ([horizon, Q] row-major) into prices:
 * price = lastClose · exp(y), dated at the close of each future candle.
 */
export function buildForecast(model: ForecastModelInfo, lastCandle: Candle, stepMs: number, y: Float32Array): Forecast {
  const levels = model.quantiles;
  const q = levels.length;
  if (y.length !== model.horizon * q) throw new RangeError(`model output has ${y.length} values, expected ${model.horizon} × ${q}`);
  const median = medianIndex(levels);
  const keys = levels.map(String);
  const lastClose = lastCandle.close;
  const lastCloseTime = lastCandle.time + stepMs;
  const points: ForecastPoint[] = [];
  for (let step = 0; step < model.horizon; step++) {
    const quantiles: Record<string, number> = {};
    for (let j = 0; j < q; j++) quantiles[keys[j]!] = lastClose * Math.exp(y[step * q + j]!);
    const time = lastCloseTime + (step + 1) * stepMs;
    points.push({
      step: step + 1,
      time,
      timestamp: isoTimestamp(time),
      median: quantiles[keys[median]!]!,
      lower: quantiles[keys[0]!]!,
      upper: quantiles[keys[q - 1]!]!,
      quantiles,
    });
  }
  return {
    modelVersion: model.version,
    exchange: model.market.exchange,
    symbol: model.market.symbol,
    timeframe: model.market.timeframe,
    lastClose,
    lastCloseTime,
    lastCloseTimestamp: isoTimestamp(lastCloseTime),
    quantileLevels: levels,
    interval: { lower: levels[0]!, upper: levels[q - 1]! },
    points,
  };
}

// Forecast instants sit on the candle grid, so the same few hundred recur from request to request;
// Date#toISOString is a large share of building a forecast, a lookup is not.
const isoCache = new Map<number, string>();
const ISO_CACHE_LIMIT = 4096;

/** `time` as ISO 8601 UTC, memoised. */
function isoTimestamp(time: number): string {
  let iso = isoCache.get(time);
  if (iso === undefined) {
    if (isoCache.size >= ISO_CACHE_LIMIT) isoCache.clear();
    iso = new Date(time).toISOString();
    isoCache.set(time, iso);
  }
  return iso;
}

/** Seconds between the close the forecast is based on and `now` (never negative). */
export function forecastAgeSeconds(forecast: Pick<Forecast, 'lastCloseTime'>, now: number): number {
  return Math.max(0, (now - forecast.lastCloseTime) / 1000);
}
