import { findGaps, type Candle, type CandleGap } from '../../../core/candle.ts';
import { describeError } from '../../../core/errors.ts';
import { candlesForWindow } from '../../../core/features.ts';
import { backoffDelayMs } from '../../../core/retry.ts';
import type { Clock } from '../../../core/clock.ts';
import type { Forecast } from '../forecast/forecast.ts';
import { encodedJson, forecastJsonTail, type EncodedJson, type ForecastDetail } from '../forecast/forecast-json.ts';
import type { ServerMetrics } from '../metrics/server-metrics.ts';
import type { ServingModel } from '../model/serving-model.ts';

/** Fetch the last `count` closed candles as of `now` (core/exchange fetchRecentCandles, bound to a market). */
export type RecentCandlesFetcher = (count: number, now: number) => Promise<{ candles: Candle[]; gaps: CandleGap[] }>;

/** The latest forecast computed from the live feed, with its JSON prepared once. */
export interface LiveSnapshot {
  readonly forecast: Forecast;
  /** The candles it is based on, oldest first. */
  readonly candles: readonly Candle[];
  /** When it was computed (ms since the epoch). */
  readonly computedAt: number;
  /**
   * UTF-8 JSON of `forecast` in each detail level without its opening brace, so a response only prepends
   * the per-request fields.
   */
  readonly forecastJsonTails: Readonly<Record<ForecastDetail, EncodedJson>>;
  /** JSON of `candles` as the /v1/candles route returns them. */
  readonly candlesJson: string;
}

/** Health of the feed at one instant. */
export interface LiveFeedStatus {
  /** True when the exchange could not be reached at the last poll, or a newer candle has closed and is missing. */
  readonly stale: boolean;
  /** Seconds since the close of the last candle of the snapshot; undefined before the first forecast. */
  readonly ageSeconds: number | undefined;
  readonly exchangeUp: boolean;
  readonly lastError: string | undefined;
}

/** The feed's staleness and age as responses report them (age rounded to the millisecond). */
export function liveFeedFreshness(feed: Pick<LiveFeed, 'status'>): { stale: boolean; ageSeconds: number } {
  const { stale, ageSeconds } = feed.status();
  return { stale, ageSeconds: Math.round((ageSeconds ?? 0) * 1000) / 1000 };
}

/** Log sink of the feed (a pino logger fits). */
export interface LiveFeedLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

/** Options of {@link createLiveFeed}. */
export interface LiveFeedOptions {
  readonly model: ServingModel;
  readonly fetchCandles: RecentCandlesFetcher;
  readonly clock: Clock;
  readonly log: LiveFeedLog;
  readonly metrics: Pick<ServerMetrics, 'exchangeUp' | 'exchangePolls'>;
  /** Wait after a candle closes before asking for it, so the exchange has published it; default 2 s. */
  readonly pollDelayMs?: number;
  /** Backoff after a failed poll: doubles from this, capped at `retryMaxMs` and one candle; default 1 s / 60 s. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** How long after the next close (plus poll delay) a forecast without it counts as stale; default 30 s, at most half a candle. */
  readonly staleGraceMs?: number;
  /**
   * Closed candles to keep, at least the window + 1 a forecast needs (the default). The first poll fetches
   * this many, later polls what is missing since the last one (bounded by it), so the kept history has no
   * holes the exchange does not have.
   */
  readonly historyCandles?: number;
  /** Called with the kept candles (oldest first) after each poll that brought a new one. */
  readonly onNewCandles?: (history: readonly Candle[]) => void;
}

/** The live candle feed: polls the exchange at each candle close and keeps the latest forecast. */
export interface LiveFeed {
  latest(): LiveSnapshot | undefined;
  /** The kept closed candles, oldest first (up to `historyCandles`). */
  history(): readonly Candle[];
  status(): LiveFeedStatus;
  /** Poll once now (a poll already under way is joined, not repeated). */
  poll(): Promise<void>;
  /** Poll now, then keep polling aligned to candle closes. */
  start(): void;
  stop(): void;
}

/**
 * Poll the exchange once per candle, a little after it closes; compute the forecast once per new candle
 * and cache it. While the exchange is unreachable, the last forecast keeps being served, marked stale.
 */
export function createLiveFeed(options: LiveFeedOptions): LiveFeed {
  const { model, fetchCandles, clock, log, metrics } = options;
  const stepMs = model.stepMs;
  const needed = candlesForWindow(model.manifest.window);
  const pollDelayMs = options.pollDelayMs ?? 2_000;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const retryMaxMs = Math.min(options.retryMaxMs ?? 60_000, stepMs);
  const staleGraceMs = Math.min(options.staleGraceMs ?? 30_000, stepMs / 2);
  const historyCandles = Math.max(needed, options.historyCandles ?? needed);
  let history: readonly Candle[] = [];
  let snapshot: LiveSnapshot | undefined;
  let exchangeUp = false;
  let lastError: string | undefined;
  let failures = 0;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  async function pollOnce(): Promise<void> {
    const now = clock.now();
    try {
      const { candles } = await fetchCandles(fetchCount(history, now, stepMs, needed, historyCandles), now);
      const newestBefore = history[history.length - 1]?.time;
      history = mergeFetched(history, candles, historyCandles);
      const newestAfter = history[history.length - 1]?.time;
      const arrived = newestAfter !== undefined && (newestBefore === undefined || newestAfter > newestBefore);
      const recent = history.slice(-needed);
      if (recent.length < needed) throw new Error(`the exchange returned ${recent.length} closed candles, the model needs ${needed}`);
      const gaps = findGaps(recent, stepMs);
      if (gaps.length > 0) throw new Error(`the exchange's recent candles have ${gaps.length} gap(s), e.g. ${gaps[0]!.missing} missing after ${new Date(gaps[0]!.after).toISOString()}`);
      const last = recent[recent.length - 1]!;
      const previous = snapshot?.candles[snapshot.candles.length - 1];
      if (previous === undefined || last.time > previous.time) {
        const forecast = await model.forecast(recent);
        snapshot = {
          forecast,
          candles: recent,
          computedAt: clock.now(),
          forecastJsonTails: { compact: encodedJson(forecastJsonTail(forecast, 'compact')), full: encodedJson(forecastJsonTail(forecast, 'full')) },
          candlesJson: JSON.stringify(recent),
        };
        log.info({ lastCandle: new Date(last.time).toISOString(), lastClose: last.close }, 'live forecast updated');
      }
      if (arrived) options.onNewCandles?.(history);
      if (!exchangeUp && failures > 0) log.info({ failures }, 'exchange reachable again');
      exchangeUp = true;
      lastError = undefined;
      failures = 0;
      metrics.exchangeUp.set(1);
      metrics.exchangePolls.inc({ result: 'ok' });
    } catch (error) {
      exchangeUp = false;
      failures++;
      lastError = describeError(error);
      metrics.exchangeUp.set(0);
      metrics.exchangePolls.inc({ result: 'error' });
      log.warn({ failures, error: lastError, serving: snapshot ? 'last forecast, marked stale' : 'nothing yet' }, 'live candle poll failed');
    }
  }

  function nextDelay(): number {
    const now = clock.now();
    if (failures > 0) return backoffDelayMs({ baseDelayMs: retryBaseMs, maxDelayMs: retryMaxMs }, failures);
    const lastClose = snapshot?.forecast.lastCloseTime ?? 0;
    const latestClose = Math.floor(now / stepMs) * stepMs;
    // Behind: the newest closed candle is not in yet (the exchange is late), so ask again soon;
    // otherwise wait for the next close.
    const behind = lastClose < latestClose;
    const target = behind ? latestClose + pollDelayMs : latestClose + stepMs + pollDelayMs;
    return Math.max(target - now, behind ? retryBaseMs : 0);
  }

  function scheduleNext(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void poll().finally(scheduleNext);
    }, Math.max(0, nextDelay()));
    timer.unref();
  }

  function poll(): Promise<void> {
    inFlight ??= pollOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    latest: () => snapshot,
    history: () => history,
    status() {
      const now = clock.now();
      if (snapshot === undefined) return { stale: true, ageSeconds: undefined, exchangeUp, lastError };
      const lastClose = snapshot.forecast.lastCloseTime;
      const behind = now >= lastClose + stepMs + pollDelayMs + staleGraceMs;
      return { stale: !exchangeUp || behind, ageSeconds: Math.max(0, (now - lastClose) / 1000), exchangeUp, lastError };
    },
    poll,
    start() {
      if (running) return;
      running = true;
      void poll().finally(scheduleNext);
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Candles to ask for: all `limit` when nothing is kept yet, otherwise the ones closed since the newest kept
 * one plus that one (so the answer overlaps what is kept), at least the `needed` of a forecast window.
 */
function fetchCount(kept: readonly Candle[], now: number, stepMs: number, needed: number, limit: number): number {
  const newest = kept[kept.length - 1];
  if (newest === undefined) return limit;
  const newestClosed = Math.floor(now / stepMs) * stepMs - stepMs;
  const missing = Math.round((newestClosed - newest.time) / stepMs);
  return Math.min(limit, Math.max(needed, missing + 1));
}

/**
 * `kept` with the exchange's answer in place of the candles it spans (so a candle the exchange published late
 * fills its hole), cut to the last `limit`.
 */
function mergeFetched(kept: readonly Candle[], fetched: readonly Candle[], limit: number): readonly Candle[] {
  const first = fetched[0];
  const last = fetched[fetched.length - 1];
  if (first === undefined || last === undefined) return kept;
  const merged = [...kept.filter((candle) => candle.time < first.time), ...fetched, ...kept.filter((candle) => candle.time > last.time)];
  return merged.length > limit ? merged.slice(-limit) : merged;
}
