import type { Gauge, Registry } from 'prom-client';

/** A gauge without labels whose series appears only once it has a value. */
export interface AbsentUntilSetGauge {
  /** Record the current value; the first call makes the series appear. */
  set(value: number): void;
}

/** Name, help text and registry of {@link createAbsentUntilSetGauge}. */
export interface AbsentUntilSetGaugeOptions {
  readonly name: string;
  readonly help: string;
  readonly registry: Registry;
}

/**
 * A gauge that exports no sample until it is first set. A prom-client Gauge reads 0 from the start, and for
 * an age 0 says "perfectly fresh" before there is anything to be fresh; a missing series is what `absent()`
 * and dashboards read as "no data". A registry reset returns it to absent: the next scrape sets it again.
 */
export function createAbsentUntilSetGauge(options: AbsentUntilSetGaugeOptions): AbsentUntilSetGauge {
  const { name, help, registry } = options;
  let value: number | undefined;
  const snapshot = async () => ({ name, help, type: 'gauge', aggregator: 'sum' as const, values: value === undefined ? [] : [{ value, labels: {} }] });
  // The shape prom-client's Registry reads a metric through, as HttpRequestMetrics registers its own.
  const metric = { name, help, type: 'gauge', aggregator: 'sum', get: snapshot, reset: () => (value = undefined) };
  registry.registerMetric(metric as unknown as Gauge);
  return {
    set(next) {
      value = next;
    },
  };
}
