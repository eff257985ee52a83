// The package ships JavaScript only; these are the shapes its parser returns (prom2json's).
declare module 'parse-prometheus-text-format' {
  /** One sample of a gauge, counter or untyped family; values stay text ("NaN", "+Inf" included). */
  export interface PrometheusSample {
    readonly value: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly timestamp_ms?: string;
  }
  /** One metric family with its samples. */
  export interface PrometheusFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'GAUGE' | 'COUNTER' | 'UNTYPED' | 'HISTOGRAM' | 'SUMMARY';
    readonly metrics: readonly PrometheusSample[];
  }
  /** Parse Prometheus text exposition format; throws on a malformed line. */
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
