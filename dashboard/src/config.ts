import { BadInputError } from '../../core/errors.ts';
import { deepFreeze } from '../../core/spec.ts';
import { normaliseBaseUrl } from './targets.ts';

/** One target as configured: where the service is and which mounted file holds its token. */
export interface TargetConfig {
  readonly name: string;
  readonly url: string;
  readonly tokenFile: string;
}

/** The dashboard's settings, parsed once from the environment (see dashboard/README.md). */
export interface DashboardConfig {
  readonly targets: readonly TargetConfig[];
  readonly host: string;
  readonly port: number;
  readonly upstreamTimeoutMs: number;
  /** Token files are re-read at most this often, so a rotated Secret takes effect without a restart. */
  readonly tokenReloadMs: number;
  readonly logLevel: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parse and freeze the configuration; a missing or malformed variable is a BadInputError naming it. */
export function parseDashboardConfig(env: Env): Readonly<DashboardConfig> {
  const logLevel = text(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new BadInputError(`LOG_LEVEL "${logLevel}" must be one of ${LOG_LEVELS.join(', ')}`, 'LOG_LEVEL');
  return deepFreeze({
    targets: parseTargets(env),
    host: text(env, 'HOST') ?? '0.0.0.0',
    port: integer(env, 'PORT', 8090, 0, 65_535),
    upstreamTimeoutMs: integer(env, 'DASHBOARD_UPSTREAM_TIMEOUT_MS', 5_000, 100, 120_000),
    tokenReloadMs: integer(env, 'DASHBOARD_TOKEN_RELOAD_MS', 10_000, 0, 3_600_000),
    logLevel,
  });
}

/**
 * DASHBOARD_TARGETS, a JSON list of `{name, url, tokenFile?}` (tokenFile defaults to DASHBOARD_TOKEN_FILE); or
 * one target from DASHBOARD_TARGET_URL + DASHBOARD_TOKEN_FILE, named DASHBOARD_TARGET_NAME or after the URL's host.
 */
function parseTargets(env: Env): TargetConfig[] {
  const json = text(env, 'DASHBOARD_TARGETS');
  const singleUrl = text(env, 'DASHBOARD_TARGET_URL');
  const defaultTokenFile = text(env, 'DASHBOARD_TOKEN_FILE');
  if (json !== undefined && singleUrl !== undefined) {
    throw new BadInputError('set either DASHBOARD_TARGETS or DASHBOARD_TARGET_URL, not both', 'DASHBOARD_TARGET_URL');
  }
  if (singleUrl !== undefined) {
    const url = normaliseBaseUrl(singleUrl, 'DASHBOARD_TARGET_URL');
    if (defaultTokenFile === undefined) throw new BadInputError('DASHBOARD_TOKEN_FILE is required with DASHBOARD_TARGET_URL: the file holding its API token', 'DASHBOARD_TOKEN_FILE');
    return [{ name: text(env, 'DASHBOARD_TARGET_NAME') ?? nameFromUrl(url), url, tokenFile: defaultTokenFile }];
  }
  if (json === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new BadInputError(`DASHBOARD_TARGETS is not valid JSON: ${(error as Error).message}`, 'DASHBOARD_TARGETS', { cause: error });
  }
  if (!Array.isArray(parsed)) throw new BadInputError('DASHBOARD_TARGETS must be a JSON list of {"name", "url", "tokenFile"}', 'DASHBOARD_TARGETS');
  return parsed.map((entry: unknown, index) => {
    const field = `DASHBOARD_TARGETS[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new BadInputError(`${field} must be an object {"name", "url", "tokenFile"}`, field);
    const { name, url, tokenFile, ...rest } = entry as Record<string, unknown>;
    const unknown = Object.keys(rest)[0];
    if (unknown !== undefined) throw new BadInputError(`${field}.${unknown} is not a known field (name, url, tokenFile)`, `${field}.${unknown}`);
    if (typeof name !== 'string' || name === '') throw new BadInputError(`${field}.name is required`, `${field}.name`);
    if (typeof url !== 'string') throw new BadInputError(`${field}.url is required`, `${field}.url`);
    const file = tokenFile ?? defaultTokenFile;
    if (typeof file !== 'string' || file === '') {
      throw new BadInputError(`${field}.tokenFile is required when DASHBOARD_TOKEN_FILE is not set`, `${field}.tokenFile`);
    }
    return { name, url: normaliseBaseUrl(url, `${field}.url`), tokenFile: file };
  });
}

/** `http://btc-usdt.markets.svc:8080` → `btc-usdt`; an IP address or localhost → `local`. */
function nameFromUrl(url: string): string {
  const host = new URL(url).hostname;
  if (host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('[')) return 'local';
  return host.split('.')[0]!;
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new BadInputError(`${name} "${raw}" must be a whole number from ${min} to ${max}`, name);
  return value;
}
