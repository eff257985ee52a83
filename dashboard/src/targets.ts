import { readFile } from 'node:fs/promises';
import { BadInputError } from '../../core/errors.ts';

/** Where a bearer token comes from: the token itself, or a function that reads the current one (rotation). */
export type TokenSource = string | (() => string | Promise<string>);

/** One inference service the dashboard shows: its display name, base URL and the token it accepts. */
export interface DashboardTarget {
  /** Short name used in the dashboard's URLs (`/api/<name>/forecast`); letters, digits, ".", "_" or "-". */
  readonly name: string;
  /** Base URL of the inference service, e.g. `http://btc-usdt-forecast.markets.svc`. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>` by the backend only; never reaches the browser. */
  readonly token: TokenSource;
}

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** Check names and URLs of the targets (unique, well-formed) and return them with URLs normalised; `where` prefixes error fields. */
export function validateTargets(targets: readonly DashboardTarget[], where = 'targets'): DashboardTarget[] {
  const seen = new Set<string>();
  return targets.map((target, index) => {
    const field = `${where}[${index}]`;
    if (typeof target.name !== 'string' || !TARGET_NAME.test(target.name)) {
      throw new BadInputError(`${field}.name "${String(target.name)}" must be 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit`, `${field}.name`);
    }
    if (seen.has(target.name)) throw new BadInputError(`${field}.name "${target.name}" is used twice; target names must be unique`, `${field}.name`);
    seen.add(target.name);
    return { ...target, url: normaliseBaseUrl(target.url, `${field}.url`) };
  });
}

/** `http(s)://host[:port][/prefix]` without a trailing slash, or a BadInputError naming `field`. */
export function normaliseBaseUrl(raw: unknown, field: string): string {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new BadInputError(`${field} "${String(raw)}" is not a URL; expected http://host:port`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadInputError(`${field} "${String(raw)}" must start with http:// or https://`, field);
  if (url.username || url.password || url.search || url.hash) {
    throw new BadInputError(`${field} "${String(raw)}" must be a plain base URL, without credentials, query or fragment`, field);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Options of {@link tokenFileSource}. */
export interface TokenFileOptions {
  /** Re-read the file at most this often, so a rotated Secret takes effect without a restart. */
  readonly maxAgeMs: number;
  readonly now: () => number;
}

/**
 * A TokenSource that reads a mounted token file (trailing newline ignored) and re-reads it once the cached
 * value is older than `maxAgeMs`. A failed re-read keeps the previous token; a first read that fails throws.
 */
export function tokenFileSource(path: string, options: TokenFileOptions): () => Promise<string> {
  let cached: { token: string; readAt: number } | undefined;
  return async function readTokenFile() {
    const now = options.now();
    if (cached && now - cached.readAt < options.maxAgeMs) return cached.token;
    try {
      const token = (await readFile(path, 'utf8')).trim();
      if (token === '') throw new Error(`token file ${path} is empty`);
      cached = { token, readAt: now };
    } catch (error) {
      if (!cached) throw new Error(`cannot read the token file ${path}`, { cause: error });
    }
    return cached.token;
  };
}
