// The header card (last close, model version, staleness, age) and the forecast table.
import { describeInterval, readForecastPoints } from './documents.js';
import { formatDuration, formatPrice, formatUtc } from './format.js';

/** Fill the summary card from a forecast document. */
export function renderSummary(forecast) {
  const pair = [forecast?.symbol, forecast?.exchange && `on ${forecast.exchange}`, forecast?.timeframe && `· ${forecast.timeframe} candles`].filter(Boolean).join(' ');
  text('pair', pair);
  text('last-close', formatPrice(forecast?.lastClose));
  text('model-version', typeof forecast?.modelVersion === 'string' ? forecast.modelVersion : '—');
  const badge = document.getElementById('staleness');
  // The word carries the meaning; the colour only repeats it.
  badge.textContent = forecast?.stale === true ? 'Stale' : forecast?.stale === false ? 'Live' : '—';
  badge.className = `badge ${forecast?.stale === true ? 'badge-stale' : forecast?.stale === false ? 'badge-live' : ''}`;
  badge.title = forecast?.stale === true ? 'The exchange is unreachable or a newer candle is missing: this forecast is not up to date.' : '';
  text('age', Number.isFinite(forecast?.ageSeconds) ? `${formatDuration(forecast.ageSeconds)} ago` : '—');
  text('interval-label', describeInterval(forecast));
  renderForecastTable(forecast);
}

/** Clear the summary, e.g. when the forecast cannot be fetched. */
export function clearSummary() {
  for (const id of ['pair', 'last-close', 'model-version', 'age']) text(id, id === 'pair' ? '' : '—');
  const badge = document.getElementById('staleness');
  badge.textContent = '—';
  badge.className = 'badge';
  renderForecastTable(undefined);
}

function renderForecastTable(forecast) {
  const body = document.querySelector('#forecast-table tbody');
  body.replaceChildren(
    ...readForecastPoints(forecast).map((point, index) => {
      const row = document.createElement('tr');
      const step = document.createElement('th');
      step.scope = 'row';
      step.textContent = String(index + 1);
      row.append(step, ...[formatUtc(point.time), formatPrice(point.lower), formatPrice(point.median), formatPrice(point.upper)].map(cell));
      return row;
    }),
  );
}

function cell(value) {
  const td = document.createElement('td');
  td.textContent = value;
  return td;
}

function text(id, value) {
  document.getElementById(id).textContent = value;
}
