/**
 * Containers with prepared outcomes, for tests about the operator's decisions: a trainer container ends at once
 * with a prepared summary (or failure) in its termination message; an inference container is ready at once.
 */
import type { RunSummary } from '../../core/manifest.ts';
import { startClusterHarness, type ClusterHarness } from './cluster-harness.ts';
import type { ContainerLaunch, ContainerRuntime } from '../../local-cluster/kubelet/container-runtime.ts';
import { preparedRuntime, type PreparedContainer } from '../../local-cluster/kubelet/prepared-runtime.ts';

/** What a prepared trainer run reports. */
export type PreparedOutcome = { readonly metrics: NonNullable<RunSummary['metrics']> } | { readonly fail: string; readonly exitCode?: number };

/** True for the trainer container of a Job the operator built. */
export function isTrainerLaunch(launch: ContainerLaunch): boolean {
  return launch.env.MUR_TRAINING_SPEC !== undefined;
}

/** The container result a trainer with `outcome` would leave: the summary in the termination message, or a failure. */
export function preparedTrainerExit(outcome: PreparedOutcome, env: Record<string, string>): PreparedContainer {
  if ('fail' in outcome) {
    return { exitCode: outcome.exitCode ?? 1, terminationMessage: JSON.stringify({ ok: false, error: outcome.fail } satisfies RunSummary) };
  }
  const artifactUri = env.MUR_ARTIFACT_URI!;
  const summary: RunSummary = { ok: true, artifactUri, sha256: '0'.repeat(64), version: env.MUR_MODEL_VERSION ?? 'prepared', metrics: outcome.metrics, backend: 'prepared' };
  return { exitCode: 0, terminationMessage: JSON.stringify(summary) };
}

/** A runtime whose trainers end with `decide(env)` (after `hold`, if given) and whose inference servers are ready at once. */
export function preparedOperatorRuntime(decide: (env: Record<string, string>) => PreparedOutcome, hold?: () => Promise<void>): ContainerRuntime {
  return preparedRuntime(async (launch) => {
    if (!isTrainerLaunch(launch)) return { serve: true };
    await hold?.();
    return preparedTrainerExit(decide(launch.env), launch.env);
  });
}

/** Outcomes handed out in order, one per training run; the last one repeats. */
export function scriptedOperatorRuntime(...outcomes: PreparedOutcome[]): ContainerRuntime {
  // Keyed by run (its artifact URI): a run whose trainer is launched again (a replacement Pod on a loaded
  // machine) keeps its outcome instead of taking the next run's.
  const byRun = new Map<string, PreparedOutcome>();
  return preparedOperatorRuntime((env) => {
    const run = env.MUR_ARTIFACT_URI ?? '';
    if (!byRun.has(run)) byRun.set(run, outcomes[Math.min(byRun.size, outcomes.length - 1)]!);
    return byRun.get(run)!;
  });
}

/** A cluster harness whose trainers end with `outcomes` in order, with the operator started. */
export async function startScriptedCluster(...outcomes: PreparedOutcome[]): Promise<ClusterHarness> {
  const harness = await startClusterHarness({ runtime: scriptedOperatorRuntime(...outcomes) });
  try {
    await harness.startOperator();
  } catch (error) {
    // The caller never gets the harness to close: its kubelet and namespace must not outlive the test.
    await harness.close().catch(() => undefined);
    throw error;
  }
  return harness;
}
