// The dashboard page: pick a target, then show its forecast, candles and track record, refreshed every 30 s.
import { getJson, getTargetDocument } from './api.js';
import { createForecastChart } from './chart.js';
import { createLiveRecord } from './live-record.js';
import { applyGlossary } from './glossary.js';
import { clearSummary, renderSummary } from './summary.js';
import { renderTargetOptions, targetState } from './targets.js';
import { clearTrackRecord, renderTrackRecord } from './track-record.js';

const REFRESH_MS = 30_000;
const select = document.getElementById('target');
const status = document.getElementById('status');
const targetStatus = document.getElementById('target-state');
const chart = createForecastChart(document.getElementById('chart'));
const liveRecord = createLiveRecord(chart.api);
let targets = [];
let current;
let shownModelVersion;
let timer;

async function start() {
  try {
    targets = (await getJson('/api/targets')).targets ?? [];
  } catch (error) {
    showStatus(`Cannot list the forecast services: ${error.message}.`, true);
    return;
  }
  if (targets.length === 0) {
    select.replaceChildren(new Option('none yet'));
    showStatus('No forecast service yet: no ForecastModel was found and none is configured (DASHBOARD_TARGETS or the chart value dashboard.targets). Looking again in 30 s.', true);
    setTimeout(() => void start(), REFRESH_MS);
    return;
  }
  const wanted = new URLSearchParams(location.search).get('target');
  const first = targets.find((t) => t.ready !== false) ?? targets[0];
  renderTargetOptions(select, targets, targets.some((t) => t.name === wanted) ? wanted : first.name);
  select.disabled = false;
  select.addEventListener('change', () => choose(select.value));
  document.getElementById('picker').addEventListener('submit', (event) => event.preventDefault());
  choose(select.value);
}

function choose(name) {
  current = name;
  shownModelVersion = undefined;
  chart.reset();
  targetStatus.textContent = targetState(targets.find((t) => t.name === name));
  history.replaceState(null, '', `?target=${encodeURIComponent(name)}`);
  clearInterval(timer);
  timer = setInterval(() => void refresh(name, true), REFRESH_MS);
  void refresh(name, false);
}

/** ForecastModels come and go and change readiness: the picker follows them on every refresh. */
async function refreshTargets() {
  try {
    targets = (await getJson('/api/targets')).targets ?? targets;
  } catch {
    return;
  }
  if (!targets.some((t) => t.name === current)) targets = [...targets, { name: current }];
  renderTargetOptions(select, targets, current);
  targetStatus.textContent = targetState(targets.find((t) => t.name === current));
}

async function refresh(name, withTargets) {
  if (withTargets) await refreshTargets();
  const [forecast, candles] = await Promise.allSettled([getTargetDocument(name, 'forecast'), getTargetDocument(name, 'candles')]);
  if (name !== current) return;
  const problems = [];
  if (forecast.status === 'fulfilled') renderSummary(forecast.value);
  else {
    clearSummary();
    problems.push(forecast.reason.message);
  }
  if (candles.status === 'rejected' && forecast.status === 'fulfilled') problems.push(candles.reason.message);
  chart.update(candles.status === 'fulfilled' ? candles.value : undefined, forecast.status === 'fulfilled' ? forecast.value : undefined);
  await liveRecord.refresh(name, candles.status === 'fulfilled' ? candles.value : undefined, () => name === current);
  if (name !== current) return;
  // The manifest only changes with the model: fetch it on a new target or a new model version.
  const version = forecast.status === 'fulfilled' ? forecast.value.modelVersion : undefined;
  if (shownModelVersion === undefined || version !== shownModelVersion) {
    try {
      const manifest = await getTargetDocument(name, 'model');
      if (name !== current) return;
      renderTrackRecord(manifest);
      shownModelVersion = version ?? manifest.version;
    } catch (error) {
      clearTrackRecord();
      problems.push(error.message);
    }
  }
  showStatus(problems.length > 0 ? `Problem: ${[...new Set(problems)].join('; ')}. Retrying in 30 s.` : '', problems.length > 0);
  document.getElementById('refreshed').textContent = `Last refreshed ${new Date().toLocaleTimeString()}.`;
}

function showStatus(message, isProblem) {
  status.textContent = message;
  status.classList.toggle('problem', isProblem);
}

applyGlossary(document);
void start();
