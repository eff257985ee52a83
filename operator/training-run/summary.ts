import type { RunSummary } from '../../core/manifest.ts';
import type { RunComparison, RunMetrics } from '../../core/crd/metrics.ts';
import type { JobObject, PodObject } from '../kube/objects.ts';
import { TRAINER_CONTAINER } from '../builders/training-job.ts';

const METRIC_FIELDS = ['mase', 'maseStep1', 'naiveMase', 'skillVsNaive'] as const;
// directionalAccuracy is null for a model that never predicts a move (it makes no up/down call to score).
const NULLABLE_METRIC_FIELDS = ['coverage', 'winkler', 'directionalAccuracy'] as const;
const TEST_FIELDS = ['medianTest', 'intervalTest', 'currentTest'] as const;

/** The trainer's container termination state in a finished Pod (the current or, after a restart, the last one). */
export interface TrainerTermination {
  readonly exitCode: number;
  readonly message?: string;
  readonly reason?: string;
}

/** Headline metrics from a summary, or undefined when any is missing or not a number. */
export function metricsOf(summary: RunSummary): RunMetrics | undefined {
  const metrics = summary.metrics as Record<string, unknown> | undefined;
  if (!metrics) return undefined;
  for (const field of METRIC_FIELDS) if (typeof metrics[field] !== 'number') return undefined;
  for (const field of NULLABLE_METRIC_FIELDS) if (metrics[field] !== null && typeof metrics[field] !== 'number') return undefined;
  const pick: Record<string, unknown> = Object.fromEntries([...METRIC_FIELDS, ...NULLABLE_METRIC_FIELDS].map((f) => [f, metrics[f]]));
  for (const field of TEST_FIELDS) {
    const test = comparisonOf(metrics[field]);
    if (test !== undefined) pick[field] = test;
  }
  return pick as RunMetrics;
}

/** A Diebold–Mariano result from the summary, null when the run had none to report, undefined when absent or malformed. */
function comparisonOf(value: unknown): RunComparison | null | undefined {
  if (value === null) return null;
  const test = value as Record<string, unknown> | undefined;
  if (!test || typeof test.against !== 'string' || typeof test.pValue !== 'number' || typeof test.meanLossDifference !== 'number') return undefined;
  return { against: test.against, pValue: test.pValue, meanLossDifference: test.meanLossDifference };
}

/**
 * The trainer's one-line JSON summary from a termination message. With FallbackToLogsOnError the message may
 * be a log tail, so the last line that is a JSON object with a boolean `ok` wins.
 */
export function parseRunSummary(message: string | undefined): RunSummary | undefined {
  if (!message) return undefined;
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean).reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && typeof (value as RunSummary).ok === 'boolean') return value as RunSummary;
    } catch {
      // A log line that merely starts with "{" is not the summary; keep looking.
    }
  }
  return undefined;
}

/** The trainer container's termination in the newest finished Pod of a Job. */
export function trainerTermination(pods: readonly PodObject[]): TrainerTermination | undefined {
  const terminated = pods
    .flatMap((pod) => pod.status?.containerStatuses ?? [])
    .filter((c) => c.name === TRAINER_CONTAINER)
    .map((c) => c.state?.terminated ?? c.lastState?.terminated)
    .filter((t): t is NonNullable<typeof t> => t !== undefined)
    .sort((a, b) => Date.parse(b.finishedAt ?? '') - Date.parse(a.finishedAt ?? ''));
  const newest = terminated.find((t) => t.exitCode === 0) ?? terminated[0];
  return newest ? { exitCode: newest.exitCode, ...(newest.message ? { message: newest.message } : {}), ...(newest.reason ? { reason: newest.reason } : {}) } : undefined;
}

/** Terminal state of a Job: Complete, Failed (with its reason and message) or undefined while it runs. */
export function jobOutcome(job: JobObject): { readonly state: 'Complete' | 'Failed'; readonly reason?: string; readonly message?: string } | undefined {
  for (const condition of job.status?.conditions ?? []) {
    if (condition.status !== 'True') continue;
    if (condition.type === 'Complete') return { state: 'Complete' };
    if (condition.type === 'Failed') return { state: 'Failed', ...(condition.reason ? { reason: condition.reason } : {}), ...(condition.message ? { message: condition.message } : {}) };
  }
  return undefined;
}
