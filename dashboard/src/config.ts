import { envInteger, envLogLevel, envText, type Env } from '../../core/env.ts';
import { BadInputError } from '../../core/errors.ts';
import { deepFreeze } from '../../core/spec.ts';
import { normaliseBaseUrl } from './targets.ts';

/** One target as configured: where the service is and which mounted file holds its token. */
export interface TargetConfig {
  readonly name: string;
  readonly url: string;
  readonly tokenFile: string;
}

/** Where to look for ForecastModels, and the token file presented to the services they name. */
export interface DiscoveryConfig {
  /** Namespaces to list, or every namespace. */
  readonly namespaces: readonly string[] | 'all';
  readonly tokenFile: string;
}

/** The dashboard's settings, parsed once from the environment (see dashboard/README.md). */
export interface DashboardConfig {
  readonly targets: readonly TargetConfig[];
  /** Absent when DASHBOARD_DISCOVERY_NAMESPACES is unset: only the configured targets are shown. */
  readonly discovery?: DiscoveryConfig;
  readonly host: string;
  readonly port: number;
  readonly upstreamTimeoutMs: number;
  /** Token files are re-read at most this often, so a rotated Secret takes effect without a restart. */
  readonly tokenReloadMs: number;
  readonly logLevel: string;
}

/** Parse and freeze the configuration; a missing or malformed variable is a BadInputError naming it. */
export function parseDashboardConfig(env: Env): Readonly<DashboardConfig> {
  const logLevel = envLogLevel(env);
  const discovery = parseDiscovery(env);
  return deepFreeze({
    targets: parseTargets(env),
    ...(discovery ? { discovery } : {}),
    host: envText(env, 'HOST') ?? '0.0.0.0',
    port: envInteger(env, 'PORT', 8090, { min: 0, max: 65_535 }),
    upstreamTimeoutMs: envInteger(env, 'DASHBOARD_UPSTREAM_TIMEOUT_MS', 5_000, { min: 100, max: 120_000 }),
    tokenReloadMs: envInteger(env, 'DASHBOARD_TOKEN_RELOAD_MS', 10_000, { min: 0, max: 3_600_000 }),
    logLevel,
  });
}

/**
 * DASHBOARD_TARGETS, a JSON list of `{name, url, tokenFile?}` (tokenFile defaults to DASHBOARD_TOKEN_FILE); or
 * one target from DASHBOARD_TARGET_URL + DASHBOARD_TOKEN_FILE, named DASHBOARD_TARGET_NAME or after the URL's host.
 */
function parseTargets(env: Env): TargetConfig[] {
  const json = envText(env, 'DASHBOARD_TARGETS');
  const singleUrl = envText(env, 'DASHBOARD_TARGET_URL');
  const defaultTokenFile = envText(env, 'DASHBOARD_TOKEN_FILE');
  if (json !== undefined && singleUrl !== undefined) {
    throw new BadInputError('set either DASHBOARD_TARGETS or DASHBOARD_TARGET_URL, not both', 'DASHBOARD_TARGET_URL');
  }
  if (singleUrl !== undefined) {
    const url = normaliseBaseUrl(singleUrl, 'DASHBOARD_TARGET_URL');
    if (defaultTokenFile === undefined) throw new BadInputError('DASHBOARD_TOKEN_FILE is required with DASHBOARD_TARGET_URL: the file holding its API token', 'DASHBOARD_TOKEN_FILE');
    return [{ name: envText(env, 'DASHBOARD_TARGET_NAME') ?? nameFromUrl(url), url, tokenFile: defaultTokenFile }];
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

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** DASHBOARD_DISCOVERY_NAMESPACES: `*` for every namespace, or a comma-separated list; DASHBOARD_TOKEN_FILE is then required. */
function parseDiscovery(env: Env): DiscoveryConfig | undefined {
  const raw = envText(env, 'DASHBOARD_DISCOVERY_NAMESPACES');
  if (raw === undefined) return undefined;
  const tokenFile = envText(env, 'DASHBOARD_TOKEN_FILE');
  if (tokenFile === undefined) {
    throw new BadInputError('DASHBOARD_TOKEN_FILE is required with DASHBOARD_DISCOVERY_NAMESPACES: the file holding the API token for the discovered services', 'DASHBOARD_TOKEN_FILE');
  }
  if (raw.trim() === '*') return { namespaces: 'all', tokenFile };
  const namespaces = [...new Set(raw.split(',').map((n) => n.trim()).filter((n) => n !== ''))];
  const bad = namespaces.find((n) => !NAMESPACE.test(n));
  if (bad !== undefined || namespaces.length === 0) {
    throw new BadInputError(`DASHBOARD_DISCOVERY_NAMESPACES "${raw}" must be "*" or a comma-separated list of namespace names${bad === undefined ? '' : ` ("${bad}" is not one)`}`, 'DASHBOARD_DISCOVERY_NAMESPACES');
  }
  return { namespaces, tokenFile };
}

/** `http://btc-usdt-forecast.markets.svc` → `btc-usdt` (the operator names the Service `<fm>-forecast`); an IP address or localhost → `local`. */
function nameFromUrl(url: string): string {
  const host = new URL(url).hostname;
  if (host === 'localhost' || /^[\d.]+$/.test(host) || host.startsWith('[')) return 'local';
  return host.split('.')[0]!.replace(/-forecast$/, '');
}
