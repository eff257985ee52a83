// The "live" row of the track-record table: how the served model has done since its training data ended,
// from the inference service's /v1/track-record, in its own row group beside the backtest rows.
import { getTargetDocument } from './api.js';
import { formatFixed, formatShare, formatUtc } from './format.js';
import { createPastForecastBand } from './past-forecast-band.js';

const BODY_ID = 'live-record';

/**
 * The live row and the past-forecast band on `chartApi` (the lightweight-charts instance); `refresh` fetches
 * the target's track record and draws both, or removes both when it cannot be fetched (an older service
 * without the route, a target that is down: the forecast's own error already says so).
 */
export function createLiveRecord(chartApi) {
  const band = createPastForecastBand(chartApi);
  return {
    async refresh(target, candlesDocument, isCurrent) {
      let trackRecord;
      try {
        trackRecord = await getTargetDocument(target, 'track-record');
      } catch {
        trackRecord = undefined;
      }
      if (!isCurrent()) return;
      if (trackRecord === undefined) {
        clearLiveRecord();
        band.clear();
        showBandLegend(false);
        return;
      }
      renderLiveRecord(trackRecord);
      showBandLegend(band.update(trackRecord, candlesDocument) > 0);
    },
  };
}

/** Fill the live row from a /v1/track-record document. */
export function renderLiveRecord(trackRecord) {
  const overall = trackRecord?.overall ?? {};
  const samples = Number.isFinite(overall.samples) ? overall.samples : 0;
  const tr = document.createElement('tr');
  tr.className = 'live-row';
  const header = document.createElement('th');
  header.scope = 'row';
  const name = document.createElement('span');
  name.textContent = `Live (${typeof trackRecord?.modelVersion === 'string' ? trackRecord.modelVersion : 'this version'})`;
  const detail = document.createElement('span');
  detail.className = 'live-detail';
  detail.textContent = describeSamples(trackRecord, samples);
  header.append(name, detail);
  const values = samples > 0 ? [formatFixed(overall.mase, 3), formatFixed(overall.mae, 2), formatShare(overall.coverage), formatFixed(overall.winkler, 2), formatShare(overall.directionalAccuracy)] : [];
  const columns = document.querySelectorAll('#track-record thead th').length - 1;
  const cells = Array.from({ length: Math.max(columns, values.length) }, (_, i) => {
    const td = document.createElement('td');
    // No samples, no numbers: a dash, never a made-up figure.
    td.textContent = values[i] ?? '—';
    return td;
  });
  tr.append(header, ...cells);
  liveBody().replaceChildren(tr);
}

/** Remove the live row, e.g. when the track record cannot be fetched. */
export function clearLiveRecord() {
  document.getElementById(BODY_ID)?.replaceChildren();
}

/** "312 forecasts, 2025-06-01 19:00 UTC – 2025-06-14 07:00 UTC", or why there are none yet. */
function describeSamples(trackRecord, samples) {
  const scored = trackRecord?.scored ?? {};
  const stepOne = trackRecord?.steps?.[0]?.samples;
  if (samples === 0) {
    return Number.isFinite(stepOne) && stepOne > 0
      ? `${stepOne} step-1 forecasts scored; no forecast has reached the end of its horizon yet`
      : 'nothing to score yet: no candle after the training data has closed';
  }
  const count = `${samples.toLocaleString('en-US')} forecast${samples === 1 ? '' : 's'} since the training data ended`;
  return Number.isFinite(scored.from) && Number.isFinite(scored.to) ? `${count}, ${formatUtc(scored.from)} – ${formatUtc(scored.to)}` : count;
}

/** The live row's own row group after the backtest rows, created on first use. */
function liveBody() {
  let body = document.getElementById(BODY_ID);
  if (body === null) {
    body = document.createElement('tbody');
    body.id = BODY_ID;
    document.getElementById('track-record').append(body);
  }
  return body;
}

/** Explain the band in the chart's legend while it is drawn. */
function showBandLegend(shown) {
  let key = document.getElementById('band-legend');
  if (key === null && shown) {
    key = document.createElement('span');
    key.id = 'band-legend';
    key.textContent = ' Shaded columns: the interval forecast for each candle one candle before it closed (live track record).';
    document.getElementById('legend')?.append(key);
  }
  if (key !== null) key.hidden = !shown;
}
