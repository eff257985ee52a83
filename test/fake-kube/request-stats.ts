/** A snapshot of what the fake server has been asked, for benchmarks and request-budget tests. */
export interface RequestStats {
  /** Every HTTP request, discovery included. */
  total: number;
  /** Requests per Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection, discovery). */
  byVerb: Record<string, number>;
  /** Requests per resource (`jobs.batch`, `forecastmodels.forecasting.makeusrich.io/status`) and verb. */
  byResource: Record<string, Record<string, number>>;
  /** Watch events written to clients (bookmarks included). */
  watchEventsSent: number;
}

/** Counts requests by verb and resource. */
export class RequestCounter {
  private total = 0;
  private readonly byVerb = new Map<string, number>();
  private readonly byResource = new Map<string, Map<string, number>>();
  private watchEvents = 0;

  /** Counts one request. */
  record(verb: string, resource: string | undefined): void {
    this.total++;
    this.byVerb.set(verb, (this.byVerb.get(verb) ?? 0) + 1);
    if (resource === undefined) return;
    let verbs = this.byResource.get(resource);
    if (!verbs) this.byResource.set(resource, (verbs = new Map()));
    verbs.set(verb, (verbs.get(verb) ?? 0) + 1);
  }

  /** Counts one event written on a watch stream. */
  recordWatchEvent(): void {
    this.watchEvents++;
  }

  /** A copy of the counters. */
  snapshot(): RequestStats {
    return {
      total: this.total,
      byVerb: Object.fromEntries(this.byVerb),
      byResource: Object.fromEntries([...this.byResource].map(([resource, verbs]) => [resource, Object.fromEntries(verbs)])),
      watchEventsSent: this.watchEvents,
    };
  }

  /** Zeroes every counter (e.g. after a benchmark's set-up phase). */
  reset(): void {
    this.total = 0;
    this.byVerb.clear();
    this.byResource.clear();
    this.watchEvents = 0;
  }
}
