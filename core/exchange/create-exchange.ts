import ccxt, { type Exchange } from 'ccxt';
import { BadInputError } from '../errors.ts';

/** Options of {@link createExchange}. */
export interface CreateExchangeOptions {
  /**
   * Origin (optionally with a path prefix) of a mirror that serves the exchange's REST paths, e.g.
   * `http://127.0.0.1:8080`: every URL in ccxt's `urls.api` keeps its path and takes this origin, so
   * Binance's `https://api.binance.com/api/v3` becomes `http://127.0.0.1:8080/api/v3`.
   */
  readonly baseUrl?: string;
  /** Per-request timeout in milliseconds (ccxt's default is 10 s). */
  readonly timeoutMs?: number;
}

type ExchangeConstructor = new (config: Record<string, unknown>) => Exchange;

/** A ccxt exchange for a spec's `market.exchange`; an id ccxt does not know is a BadInputError. */
export function createExchange(exchangeId: string, options: CreateExchangeOptions = {}): Exchange {
  const constructor = exchangeConstructor(exchangeId);
  const config: Record<string, unknown> = { enableRateLimit: true };
  if (options.timeoutMs !== undefined) {
    if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
      throw new BadInputError(`exchange timeout must be a positive number of milliseconds, got ${options.timeoutMs}`, 'timeoutMs');
    }
    config['timeout'] = options.timeoutMs;
  }
  const exchange = new constructor(config);
  loadSpotMarketsOnly(exchange);
  if (options.baseUrl !== undefined) exchange.urls['api'] = rewriteApiUrls(exchange.urls['api'], normaliseBaseUrl(options.baseUrl));
  return exchange;
}

function exchangeConstructor(exchangeId: string): ExchangeConstructor {
  // Look the id up among ccxt's own exports, and insist on an Exchange subclass, so that names such
  // as "pro", "errors" or "version" are not mistaken for exchanges.
  const candidate = Object.hasOwn(ccxt, exchangeId) ? (ccxt as unknown as Record<string, unknown>)[exchangeId] : undefined;
  if (typeof candidate === 'function' && candidate.prototype instanceof ccxt.Exchange) return candidate as ExchangeConstructor;
  throw new BadInputError(`market.exchange "${exchangeId}" is not an exchange ccxt ${ccxt.version} knows (e.g. binance, kraken, coinbase)`, 'market.exchange');
}

/**
 * The platform forecasts spot pairs (BASE/QUOTE) only; exchanges that load derivatives markets too
 * (Binance fetches its futures catalogues by default) would spend requests, memory and — behind a
 * mirror — routes on markets that can never be asked for.
 */
function loadSpotMarketsOnly(exchange: Exchange): void {
  const fetchMarkets: unknown = exchange.options['fetchMarkets'];
  if (typeof fetchMarkets !== 'object' || fetchMarkets === null || Array.isArray(fetchMarkets)) return;
  const types: unknown = (fetchMarkets as Record<string, unknown>)['types'];
  if (Array.isArray(types) && types.includes('spot')) {
    exchange.options['fetchMarkets'] = { ...(fetchMarkets as Record<string, unknown>), types: ['spot'] };
  }
}

function normaliseBaseUrl(baseUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch (cause) {
    throw new BadInputError(`exchange base URL "${baseUrl}" is not a URL`, 'baseUrl', { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new BadInputError(`exchange base URL "${baseUrl}" must use http or https`, 'baseUrl');
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}

const HTTP_ORIGIN = /^https?:\/\/[^/]+/;

/**
 * `urls.api` with the origin of every HTTP URL replaced by `baseUrl`. The value is a string for some
 * exchanges and a (nested) map for others; a regex rather than `new URL` keeps templated hosts such
 * as `https://api.{hostname}` working.
 */
export function rewriteApiUrls<T>(api: T, baseUrl: string): T {
  if (typeof api === 'string') return (HTTP_ORIGIN.test(api) ? api.replace(HTTP_ORIGIN, baseUrl) : api) as T;
  if (typeof api !== 'object' || api === null) return api;
  if (Array.isArray(api)) return api.map((entry: unknown) => rewriteApiUrls(entry, baseUrl)) as T;
  const rewritten: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(api)) rewritten[key] = rewriteApiUrls(value, baseUrl);
  return rewritten as T;
}
