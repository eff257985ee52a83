/**
 * Candle times as CSV files write them: integer epochs (unit inferred from magnitude, since Binance's
 * newer dumps switched to microseconds) or ISO 8601 date-times.
 */

const EPOCH = /^\d{1,19}$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * An integer epoch in ms. Units by magnitude: below 1e11 seconds, below 1e14 milliseconds, below 1e17
 * microseconds (16 digits), above that nanoseconds. Each cut-off lies far outside the years markets
 * have existed in the neighbouring unit (1e11 ms is March 1973; 1e14 ms is the year 5138).
 */
export function epochToMs(value: number): number {
  if (value < 1e11) return value * 1_000;
  if (value < 1e14) return value;
  if (value < 1e17) return Math.floor(value / 1_000);
  return Math.floor(value / 1_000_000);
}

/**
 * `text` (an epoch or ISO 8601; no offset means UTC) as ms since the epoch, or undefined when it is
 * not a valid time. Impossible calendar values such as Feb 30 or 24:00 are rejected, not rolled over.
 */
export function parseCsvTime(text: string): number | undefined {
  if (EPOCH.test(text)) return epochToMs(Number(text));
  const match = ISO_8601.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const fields = [Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second)] as const;
  const [y, mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(local).getUTCDate() !== d) return undefined;
  return local - offsetMs(zone);
}

function offsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}
