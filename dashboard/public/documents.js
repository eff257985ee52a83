// Read the inference service's documents defensively: only the fields the page draws, whatever else comes along.

/** Candles of a /v1/candles document as {time (open, ms), open, high, low, close}, oldest first; rows or objects. */
export function readCandles(document) {
  const list = Array.isArray(document?.candles) ? document.candles : [];
  const candles = list
    .map((c) => (Array.isArray(c) ? { time: c[0], open: c[1], high: c[2], low: c[3], close: c[4] } : c))
    .filter((c) => c && [c.time, c.open, c.high, c.low, c.close].every(Number.isFinite));
  return candles.sort((a, b) => a.time - b.time);
}

/** Forecast points as {time (close, ms), median, lower, upper}; a missing bound is undefined. */
export function readForecastPoints(forecast) {
  const points = Array.isArray(forecast?.points) ? forecast.points : [];
  return points
    .map((p) => ({
      time: p?.time,
      median: Number.isFinite(p?.median) ? p.median : p?.quantiles?.['0.5'],
      lower: Number.isFinite(p?.lower) ? p.lower : undefined,
      upper: Number.isFinite(p?.upper) ? p.upper : undefined,
    }))
    .filter((p) => Number.isFinite(p.time) && Number.isFinite(p.median))
    .sort((a, b) => a.time - b.time);
}

/** "80 % interval (10th–90th percentile)" from the forecast's interval levels, or a plain name without them. */
export function describeInterval(forecast) {
  const lower = forecast?.interval?.lower;
  const upper = forecast?.interval?.upper;
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return 'forecast interval';
  const percent = (level) => Math.round(level * 100);
  return `${percent(upper - lower)} % interval (${percent(lower)}th–${percent(upper)}th percentile)`;
}
