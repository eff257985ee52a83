import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { objectKey, type ForecastModelObject } from '../kube/objects.ts';
import { readLiveRecord, type LiveRecord } from './live-record.ts';

/** Where a ForecastModel's inference service answers `/metrics`; undefined while it has no endpoint. */
export type MetricsUrlOf = (fm: ForecastModelObject) => Promise<string | undefined>;

/** Options of {@link createLiveRecordScraper}. */
export interface LiveRecordScraperOptions {
  /** The ForecastModels known now (the informer cache); only those with spec.training.retrainWhen are scraped. */
  readonly forecastModels: () => Iterable<ForecastModelObject>;
  readonly metricsUrl: MetricsUrlOf;
  /** Pause between the end of one round and the start of the next. */
  readonly periodMs: number;
  /** Longest one scrape may take, the connection included. */
  readonly timeoutMs: number;
  /** Scrapes in flight at once. */
  readonly concurrency: number;
  /** Told after every scrape of a ForecastModel (`namespace/name`), so its reconcile decides on the new record. */
  readonly scraped: (key: string) => void;
  /** Counts each scrape by outcome. */
  readonly observe?: (fm: ForecastModelObject, result: 'success' | 'error') => void;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
}

/** The live records of the ForecastModels that retrain on drift, refreshed on a period off the work queue. */
export interface LiveRecordScraper {
  /** The newest record of `namespace/name`; undefined before the first scrape or after a failed one. */
  record(key: string): LiveRecord | undefined;
  /** Scrape every ForecastModel that retrains on drift once; never rejects. */
  scrapeAll(): Promise<void>;
  /** Scrape now and then every period until stopped. */
  start(): void;
  /** Stop the rounds; resolves when the round in flight has ended. */
  stop(): Promise<void>;
}

/** `status.endpoint` + `/metrics`: the inference Service as an in-cluster client reaches it. */
export const metricsUrlFromStatus: MetricsUrlOf = async (fm) => (fm.status?.endpoint ? `${fm.status.endpoint.replace(/\/+$/, '')}/metrics` : undefined);

function watchesDrift(fm: ForecastModelObject): boolean {
  return fm.spec.training?.retrainWhen !== undefined && fm.spec.suspend !== true && !fm.metadata.deletionTimestamp && !!fm.status?.endpoint;
}

/** Scrape the inference services' `/metrics` for their live track record, each with a timeout, a few at a time. */
export function createLiveRecordScraper(options: LiveRecordScraperOptions): LiveRecordScraper {
  const records = new Map<string, LiveRecord>();
  const fetchMetrics = options.fetch ?? fetch;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let stopped = false;

  async function scrape(fm: ForecastModelObject, signal: AbortSignal): Promise<LiveRecord | undefined> {
    const url = await options.metricsUrl(fm);
    if (url === undefined) return undefined;
    const response = await fetchMetrics(url, { signal, headers: { Accept: 'text/plain' } });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return readLiveRecord(body);
  }

  async function scrapeOne(fm: ForecastModelObject): Promise<void> {
    const key = objectKey(fm.metadata.namespace, fm.metadata.name);
    const signal = AbortSignal.timeout(options.timeoutMs);
    // The timeout also bounds finding the URL, which may wait for a Service.
    const timedOut = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error(`no answer within ${options.timeoutMs} ms`)), { once: true }));
    try {
      const record = await Promise.race([scrape(fm, signal), timedOut]);
      if (record === undefined) records.delete(key);
      else records.set(key, record);
      options.observe?.(fm, 'success');
    } catch (error) {
      // A stale record must not start a run: without a fresh one, drift decides nothing.
      records.delete(key);
      options.observe?.(fm, 'error');
      options.log.warn({ kind: 'ForecastModel', namespace: fm.metadata.namespace, name: fm.metadata.name, err: describeError(error) }, 'scraping the live record from the inference service failed');
    }
    if (!stopped) options.scraped(key);
  }

  async function scrapeAll(): Promise<void> {
    const due = [...options.forecastModels()].filter(watchesDrift);
    const wanted = new Set(due.map((fm) => objectKey(fm.metadata.namespace, fm.metadata.name)));
    for (const key of records.keys()) if (!wanted.has(key)) records.delete(key);
    let next = 0;
    const worker = async () => {
      while (next < due.length && !stopped) await scrapeOne(due[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, due.length) }, worker));
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      round = scrapeAll().finally(() => schedule(options.periodMs));
    }, delayMs);
    timer.unref();
  }

  return {
    record: (key) => records.get(key),
    scrapeAll,
    start: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
