import { medianIndex } from '../../../core/model-weights.ts';
import type { Forecast } from './forecast.ts';

/**
 * How much of a forecast a response carries. `compact` (the default) has, per step, the close time in ms
 * and the median and interval bounds; `full` adds each step's number and ISO timestamp, the price at
 * every quantile level, and the last close as ISO (what `?detail=full` asks for).
 */
export type ForecastDetail = 'compact' | 'full';

/** The forecast detail levels a caller may ask for with `?detail=`. */
export const FORECAST_DETAILS: readonly ForecastDetail[] = ['compact', 'full'];

/**
 * The JSON of a forecast response, written by hand because it is on the hot path of every POST. In `full`
 * detail each price is formatted once and reused for median/lower/upper, which buildForecast defines as
 * the 0.5, first and last quantiles (JSON.stringify on the object would format each twice), and the
 * output is byte-for-byte what `JSON.stringify({ stale, ageSeconds, ...forecast })` produces.
 */
export function forecastResponseJson(forecast: Forecast, stale: boolean, ageSeconds: number, detail: ForecastDetail): string {
  return `{"stale":${stale},"ageSeconds":${ageSeconds},${forecastJsonTail(forecast, detail)}`;
}

/** The forecast's JSON without its opening brace, so per-request fields can be put in front of it. */
export function forecastJsonTail(forecast: Forecast, detail: ForecastDetail): string {
  const levels = forecast.quantileLevels;
  return (
    `"modelVersion":${JSON.stringify(forecast.modelVersion)},"exchange":${JSON.stringify(forecast.exchange)},` +
    `"symbol":${JSON.stringify(forecast.symbol)},"timeframe":${JSON.stringify(forecast.timeframe)},` +
    `"lastClose":${numberJson(forecast.lastClose)},"lastCloseTime":${forecast.lastCloseTime},` +
    (detail === 'full' ? `"lastCloseTimestamp":"${forecast.lastCloseTimestamp}",` : '') +
    `"quantileLevels":[${levels.map(numberJson).join(',')}],` +
    `"interval":{"lower":${numberJson(forecast.interval.lower)},"upper":${numberJson(forecast.interval.upper)}},` +
    `"points":[${detail === 'full' ? fullPointsJson(forecast) : compactPointsJson(forecast)}]}`
  );
}

function compactPointsJson(forecast: Forecast): string {
  let json = '';
  for (let i = 0; i < forecast.points.length; i++) {
    const point = forecast.points[i]!;
    json += `${i === 0 ? '' : ','}{"time":${point.time},"median":${numberJson(point.median)},"lower":${numberJson(point.lower)},"upper":${numberJson(point.upper)}}`;
  }
  return json;
}

function fullPointsJson(forecast: Forecast): string {
  const levels = forecast.quantileLevels;
  const names = levels.map(String);
  const keys = names.map((name) => JSON.stringify(name));
  const median = medianIndex(levels);
  const last = levels.length - 1;
  const prices = new Array<string>(levels.length);
  let json = '';
  for (let i = 0; i < forecast.points.length; i++) {
    const point = forecast.points[i]!;
    let quantiles = '';
    for (let j = 0; j < names.length; j++) {
      prices[j] = numberJson(point.quantiles[names[j]!]!);
      quantiles += `${j === 0 ? '' : ','}${keys[j]}:${prices[j]}`;
    }
    json +=
      `${i === 0 ? '' : ','}{"step":${point.step},"time":${point.time},"timestamp":"${point.timestamp}",` +
      `"median":${prices[median]},"lower":${prices[0]},"upper":${prices[last]},"quantiles":{${quantiles}}}`;
  }
  return json;
}

/** JSON text with its UTF-8 length, so a response can declare Content-Length without measuring it again. */
export interface EncodedJson {
  readonly text: string;
  readonly bytes: number;
}

/** `text` with its UTF-8 byte length. */
export function encodedJson(text: string): EncodedJson {
  return { text, bytes: Buffer.byteLength(text) };
}

/**
 * The response body of the live forecast: the per-request fields in front of the tail encoded once per
 * candle. Node writes a string body and the response head in one system call, a Buffer in two.
 */
export function liveForecastJson(tail: EncodedJson, stale: boolean, ageSeconds: number): EncodedJson {
  const head = `{"stale":${stale},"ageSeconds":${ageSeconds},`;
  // The head is ASCII: its length in characters is its length in bytes.
  return { text: head + tail.text, bytes: head.length + tail.bytes };
}

/** A number as JSON.stringify writes it (non-finite values become null). */
function numberJson(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
