import type { AppDeps } from '../app.ts';
import { liveFeedFreshness } from '../feed/live-feed.ts';
import { liveForecastJson } from '../forecast/forecast-json.ts';
import { answerJson, presentedTokenName, type FastPath } from './fast-path.ts';

const PATH = '/v1/forecast';

/**
 * `GET /v1/forecast` (no query string) answered straight from Node's request, without building the
 * WHATWG Request, Hono context and middleware chain around it: on a route whose work is copying a
 * cached document, those cost more than everything else together.
 *
 * It only ever answers the successful case, with the same status, headers, body, metrics and rate-limit
 * accounting as the app; whenever anything would go differently (no or unknown token, rate limit
 * reached, model or live forecast missing, per-request debug logging on) it declines before touching
 * any state the app would also touch, and the app answers as it always does.
 */
export function createCachedForecastFastPath(deps: Pick<AppDeps, 'state' | 'tokens' | 'limiter' | 'metrics' | 'logger'>): FastPath {
  const { state, tokens, limiter, metrics, logger } = deps;
  const answered = metrics.http.series('GET', PATH, 200);

  return function serveCachedForecast(incoming, outgoing) {
    if (incoming.url !== PATH || incoming.method !== 'GET') return false;
    const startedAt = performance.now();
    // The app logs one line per request at debug level; that line is its job.
    if (logger.isLevelEnabled('debug')) return false;
    if (state.modelStatus().state !== 'ready') return false;
    const feed = state.liveFeed();
    const snapshot = feed?.latest();
    if (feed === undefined || snapshot === undefined) return false;
    const tokenName = presentedTokenName(incoming, tokens);
    if (tokenName === undefined) return false;
    // A refusal leaves the bucket as the app's own take() then finds it, so the 429 is the app's too.
    if (limiter !== undefined && !limiter.take(tokenName).allowed) return false;

    const { stale, ageSeconds } = liveFeedFreshness(feed);
    const body = liveForecastJson(snapshot.forecastJsonTails.compact, stale, ageSeconds);
    answerJson(incoming, outgoing, body.text, body.bytes);
    metrics.countTokenRequest(tokenName);
    answered.record((performance.now() - startedAt) / 1000);
    return true;
  };
}
