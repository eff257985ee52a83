// Number and time formatting for the page; "—" stands for a value that does not exist (never a made-up number).

const DASH = '—';

/** A price with a precision that suits its size (64,123.50 · 0.3412 · 0.000012). */
export function formatPrice(value) {
  if (!Number.isFinite(value)) return DASH;
  const digits = Math.abs(value) >= 1000 ? 2 : Math.abs(value) >= 1 ? 4 : 6;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain number with fixed decimals, e.g. MASE 1.000. */
export function formatFixed(value, decimals) {
  return Number.isFinite(value) ? value.toFixed(decimals) : DASH;
}

/** A share 0…1 as a percentage with one decimal. */
export function formatShare(value) {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : DASH;
}

/** Seconds as a short duration: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return DASH;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** ms since the epoch as "2025-06-01 18:00 UTC". */
export function formatUtc(ms) {
  if (!Number.isFinite(ms)) return DASH;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** An ISO timestamp as its date, "2025-06-01". */
export function formatDate(iso) {
  return typeof iso === 'string' && iso.length >= 10 ? iso.slice(0, 10) : DASH;
}

/** Length of a ccxt timeframe ("1m", "4h", "1d", "1w") in ms, or undefined when it is not one. */
export function timeframeMs(timeframe) {
  const match = /^(\d+)([mhdw])$/.exec(String(timeframe ?? ''));
  if (!match) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2]];
  return Number(match[1]) * unit;
}
