import { medianIndex } from '../../../core/model-weights.ts';
import type { Forecast } from './forecast.ts';

/**
 * The JSON of a forecast response, written by hand because it is on the hot path of every POST: each
 * price is formatted once and reused for median/lower/upper, which buildForecast defines as the 0.5,
 * first and last quantiles (JSON.stringify on the object would format each twice). The output is
 * byte-for-byte what `JSON.stringify({ stale, ageSeconds, ...forecast })` produces.
 */
export function forecastResponseJson(forecast: Forecast, stale: boolean, ageSeconds: number): string {
  return `{"stale":${stale},"ageSeconds":${ageSeconds},${forecastJsonTail(forecast)}`;
}

/** The forecast's JSON without its opening brace, so per-request fields can be put in front of it. */
export function forecastJsonTail(forecast: Forecast): string {
  const levels = forecast.quantileLevels;
  const names = levels.map(String);
  const keys = names.map((name) => JSON.stringify(name));
  const median = medianIndex(levels);
  const last = levels.length - 1;
  const prices = new Array<string>(levels.length);
  let points = '';
  for (let i = 0; i < forecast.points.length; i++) {
    const point = forecast.points[i]!;
    let quantiles = '';
    for (let j = 0; j < names.length; j++) {
      prices[j] = numberJson(point.quantiles[names[j]!]!);
      quantiles += `${j === 0 ? '' : ','}${keys[j]}:${prices[j]}`;
    }
    points +=
      `${i === 0 ? '' : ','}{"step":${point.step},"time":${point.time},"timestamp":"${point.timestamp}",` +
      `"median":${prices[median]},"lower":${prices[0]},"upper":${prices[last]},"quantiles":{${quantiles}}}`;
  }
  return (
    `"modelVersion":${JSON.stringify(forecast.modelVersion)},"exchange":${JSON.stringify(forecast.exchange)},` +
    `"symbol":${JSON.stringify(forecast.symbol)},"timeframe":${JSON.stringify(forecast.timeframe)},` +
    `"lastClose":${numberJson(forecast.lastClose)},"lastCloseTime":${forecast.lastCloseTime},"lastCloseTimestamp":"${forecast.lastCloseTimestamp}",` +
    `"quantileLevels":[${levels.map(numberJson).join(',')}],` +
    `"interval":{"lower":${numberJson(forecast.interval.lower)},"upper":${numberJson(forecast.interval.upper)}},` +
    `"points":[${points}]}`
  );
}

/** A number as JSON.stringify writes it (non-finite values become null). */
function numberJson(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
