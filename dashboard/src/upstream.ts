import type { Logger } from '../../core/logger.ts';
import { describeError } from '../../core/errors.ts';
import { DashboardHttpError } from './http-error.ts';
import type { DashboardTarget } from './targets.ts';

/** What the page may ask of a target, mapped to the inference service's route. */
export const PROXIED_ROUTES = { forecast: '/v1/forecast', candles: '/v1/candles', model: '/v1/model', 'track-record': '/v1/track-record' } as const;

/** The `fetch` the backend calls inference services with (injectable for tests). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createUpstreamClient}. */
export interface UpstreamClientOptions {
  readonly fetch: FetchFunction;
  /** Longest wait for one inference-service answer, body included. */
  readonly timeoutMs: number;
  readonly log: Logger;
  /** Largest answer accepted; the service's documents are a few KiB, a month of hourly track record ~90 KiB. */
  readonly maxBodyBytes?: number;
}

/** Reads one JSON document from an inference service, with the target's token, as raw JSON text. */
export interface UpstreamClient {
  getJson(target: DashboardTarget, path: string): Promise<string>;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A client that turns every way an inference service can fail into a DashboardHttpError naming the target. */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    async getJson(target, path) {
      const token = await resolveToken(target, options.log);
      const url = `${target.url}${path}`;
      let response: Response;
      let text: string;
      try {
        response = await options.fetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: 'error',
        });
        text = await readLimited(response, maxBodyBytes, target.name);
      } catch (error) {
        if (error instanceof DashboardHttpError) throw error;
        throw unreachable(target, url, error, options);
      }
      if (response.status !== 200) throw upstreamStatus(target, path, response, text, options.log);
      if (!isJson(text)) {
        options.log.warn({ target: target.name, url, status: response.status }, 'inference service answered with something that is not JSON');
        throw new DashboardHttpError(502, `target "${target.name}" answered ${path} with something that is not JSON`, { code: 'target_bad_answer', target: target.name });
      }
      return text;
    },
  };
}

async function resolveToken(target: DashboardTarget, log: Logger): Promise<string> {
  try {
    return typeof target.token === 'string' ? target.token : await target.token();
  } catch (error) {
    // The reason (a file path) goes to the log only; the page learns which target lacks its token.
    log.error({ target: target.name, reason: describeError(error) }, 'no API token for this target');
    throw new DashboardHttpError(502, `the dashboard has no API token for target "${target.name}" (see the dashboard's log)`, { code: 'token_missing', target: target.name, cause: error });
  }
}

function unreachable(target: DashboardTarget, url: string, error: unknown, options: UpstreamClientOptions): DashboardHttpError {
  const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
  options.log.warn({ target: target.name, url, reason: describeError(error) }, timedOut ? 'inference service timed out' : 'inference service unreachable');
  if (timedOut) {
    return new DashboardHttpError(504, `target "${target.name}" did not answer within ${options.timeoutMs} ms`, { code: 'target_timeout', target: target.name, cause: error });
  }
  // Connection errors may name internal hosts and addresses: they stay in the log.
  return new DashboardHttpError(502, `target "${target.name}" is unreachable (is its inference service running?)`, { code: 'target_unreachable', target: target.name, cause: error });
}

function upstreamStatus(target: DashboardTarget, path: string, response: Response, text: string, log: Logger): DashboardHttpError {
  const status = response.status;
  const reason = errorMessageOf(text);
  log.warn({ target: target.name, path, status, reason }, 'inference service answered with an error');
  const base = { target: target.name };
  if (status === 401 || status === 403) {
    return new DashboardHttpError(502, `target "${target.name}" refused the dashboard's API token (HTTP ${status})`, { ...base, code: 'target_auth' });
  }
  if (status === 429 || status === 503) {
    // Passing on: the service is loading, has no live forecast yet, or is limiting the dashboard's token.
    const retryAfter = response.headers.get('retry-after');
    const message = status === 429 ? 'is rate limiting the dashboard' : (reason ?? 'is not ready');
    return new DashboardHttpError(503, `target "${target.name}": ${message}`, { ...base, code: 'target_not_ready', ...(retryAfter ? { headers: { 'Retry-After': retryAfter } } : {}) });
  }
  if (status === 404) return new DashboardHttpError(502, `target "${target.name}" does not serve ${path} (HTTP 404)`, { ...base, code: 'target_bad_answer' });
  return new DashboardHttpError(502, `target "${target.name}" failed (HTTP ${status})${reason ? `: ${reason}` : ''}`, { ...base, code: 'target_error' });
}

/** The `error` field of the service's JSON error shape, if the body has one. */
function errorMessageOf(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') return (body as { error: string }).error.slice(0, 300);
  } catch {
    // not JSON: nothing to quote
  }
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function readLimited(response: Response, maxBytes: number, targetName: string): Promise<string> {
  const tooLarge = () =>
    new DashboardHttpError(502, `target "${targetName}" answered with more than ${maxBytes} bytes`, { code: 'target_bad_answer', target: targetName });
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const buffer = await response.arrayBuffer();
  if (buffer.byteLength > maxBytes) throw tooLarge();
  return new TextDecoder().decode(buffer);
}
