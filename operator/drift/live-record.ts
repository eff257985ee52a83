import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/** The gauges of the inference service's live track record (absent until its first scoring). */
export const LIVE_GAUGES = {
  samples: 'mur_live_scored_samples',
  mase: 'mur_live_mase',
  coverage: 'mur_live_coverage',
  winkler: 'mur_live_winkler',
  nominalCoverage: 'mur_live_nominal_coverage',
  modelInfo: 'mur_model_info',
} as const;

/** What the inference service reports of its served model's forecasts since the training cutoff, over all steps. */
export interface LiveRecord {
  /** The model the figures belong to (`mur_model_info{version}`), when the service names it. */
  readonly modelVersion?: string;
  /** Forecasts scored at every horizon step so far; 0 before the first scoring. */
  readonly samples: number;
  /** Fraction of outcomes inside the outer interval. */
  readonly coverage?: number;
  readonly mase?: number;
  readonly winkler?: number;
  /** The coverage the interval promises (the quantiles' span). */
  readonly nominalCoverage?: number;
}

/** The value of `name` with `step="all"` (or without labels, for unlabelled gauges); undefined when absent or not finite. */
function overall(families: ReadonlyMap<string, PrometheusFamily>, name: string, labelled: boolean): number | undefined {
  const sample = families.get(name)?.metrics.find((m) => (labelled ? m.labels?.step === 'all' : true));
  if (!sample) return undefined;
  const value = Number(sample.value);
  return Number.isFinite(value) ? value : undefined;
}

/** Read the live record from a `/metrics` answer; throws naming the problem when it is not Prometheus text format. */
export function readLiveRecord(text: string): LiveRecord {
  let parsed: PrometheusFamily[];
  try {
    parsed = parsePrometheusTextFormat(text);
  } catch (error) {
    throw new Error('the /metrics answer is not Prometheus text format', { cause: error });
  }
  const families = new Map(parsed.map((family) => [family.name, family]));
  const loaded = families.get(LIVE_GAUGES.modelInfo)?.metrics.filter((m) => Number(m.value) === 1 && m.labels?.version) ?? [];
  const figures = {
    coverage: overall(families, LIVE_GAUGES.coverage, true),
    mase: overall(families, LIVE_GAUGES.mase, true),
    winkler: overall(families, LIVE_GAUGES.winkler, true),
    nominalCoverage: overall(families, LIVE_GAUGES.nominalCoverage, false),
  };
  return {
    // Two loaded versions would be a service mid-reload: no one version owns the figures then.
    ...(loaded.length === 1 ? { modelVersion: loaded[0]!.labels!.version! } : {}),
    samples: overall(families, LIVE_GAUGES.samples, true) ?? 0,
    ...Object.fromEntries(Object.entries(figures).filter(([, value]) => value !== undefined)),
  };
}
