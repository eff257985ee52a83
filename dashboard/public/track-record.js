// The track-record table: the model's backtest metrics next to the baselines', from the manifest (/v1/model).
import { formatDate, formatFixed, formatShare } from './format.js';

/** Display names of the trainer's baselines; an unknown baseline is shown by its key. */
const BASELINE_NAMES = { naive: 'Naive persistence', seasonalNaive: 'Seasonal naive', drift: 'Drift', ewmaVolatility: 'EWMA volatility' };

/** Fill the table, the verdict and the data range from a manifest. */
export function renderTrackRecord(manifest) {
  const metrics = manifest?.metrics ?? {};
  const baselines = metrics.baselines && typeof metrics.baselines === 'object' ? metrics.baselines : {};
  const order = [...Object.keys(BASELINE_NAMES).filter((key) => key in baselines), ...Object.keys(baselines).filter((key) => !(key in BASELINE_NAMES))];
  const rows = [
    metrics.model && row(`Model (${manifest.version ?? 'this version'})`, metrics.model, true),
    ...order.map((key) => row(BASELINE_NAMES[key] ?? key, baselines[key], false)),
  ].filter(Boolean);
  document.querySelector('#track-record tbody').replaceChildren(...rows);
  const level = metrics.intervalLevel;
  document.querySelector('#track-record thead th:nth-child(4)').textContent = Number.isFinite(level) ? `Coverage (nominal ${formatShare(level)})` : 'Interval coverage';
  document.getElementById('verdict').textContent = typeof metrics.verdict === 'string' ? `Verdict: ${metrics.verdict}` : '';
  document.getElementById('data-range').textContent = describeData(manifest);
}

/** Empty the table, e.g. when the manifest cannot be fetched. */
export function clearTrackRecord() {
  document.querySelector('#track-record tbody').replaceChildren();
  document.getElementById('verdict').textContent = '';
  document.getElementById('data-range').textContent = '';
}

function row(name, m, isModel) {
  const tr = document.createElement('tr');
  if (isModel) tr.className = 'model-row';
  const header = document.createElement('th');
  header.scope = 'row';
  header.textContent = name;
  const cells = [formatFixed(m?.mase, 3), formatFixed(m?.mae, 2), m?.coverage == null ? 'n/a' : formatShare(m.coverage), m?.winkler == null ? 'n/a' : formatFixed(m.winkler, 2), m?.directionalAccuracy === null ? 'n/a' : formatShare(m?.directionalAccuracy)];
  tr.append(header, ...cells.map((value, index) => {
    const td = document.createElement('td');
    td.textContent = value;
    // Say why a cell is empty instead of leaving a hole: no interval, or no predicted move to score.
    if (value === 'n/a') td.title = index === 4 ? 'this forecaster never predicts a move, so it makes no up/down call to score' : 'this forecaster gives no interval';
    // Directional accuracy counts only the forecasts that call a move; show how many did.
    else if (index === 4 && Number.isFinite(m?.directionalShare)) td.title = `over the ${formatShare(m.directionalShare)} of forecasts that predict a move`;
    return td;
  }));
  return tr;
}

function describeData(manifest) {
  const data = manifest?.data;
  if (!data) return '';
  const parts = [`Trained on ${Number.isFinite(data.candles) ? data.candles.toLocaleString('en-US') : 'the'} candles from ${formatDate(data.from)} to ${formatDate(data.to)}`];
  if (data.test) parts.push(`scored on the test split from ${formatDate(data.test.from)} to ${formatDate(data.test.to)} (${Number(data.test.samples).toLocaleString('en-US')} forecasts)`);
  if (Number.isFinite(data.gaps) && data.gaps > 0) parts.push(`${data.gaps} gaps in the exchange's history`);
  return `${parts.join('; ')}.`;
}
