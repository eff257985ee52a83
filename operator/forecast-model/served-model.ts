import type { ServedModel } from '../../core/crd/forecast-model.ts';
import { deployedModelOf } from '../builders/inference.ts';
import type { DeploymentObject, TrainingRunObject } from '../kube/objects.ts';

/** The model a succeeded run would serve, or undefined while it has no artifact and metrics. */
export function servedModelOf(run: TrainingRunObject): ServedModel | undefined {
  const status = run.status;
  if (!status?.metrics || !status.artifact) return undefined;
  return {
    version: status.artifact.version ?? run.metadata.name,
    uri: status.artifact.uri,
    ...(status.artifact.sha256 ? { sha256: status.artifact.sha256 } : {}),
    trainingRun: run.metadata.name,
    trainedAt: status.completionTime ?? run.metadata.creationTimestamp ?? '',
    ...status.metrics,
  };
}

const sameModel = (a: { version: string; uri: string }, b: { version: string; uri: string }) => a.version === b.version && a.uri === b.uri;

/**
 * The model being served, from what the cluster shows rather than from status alone, which is only a cache: a
 * crash between the writes of a promotion, or a restore that drops status, must not lose the served model.
 *
 * 1. The inference Deployment's pod template, when it names a run that was not rejected: the Deployment is
 *    written first when a model is promoted, so it is the newest record of the decision.
 * 2. Else `recorded` (status.model).
 * 3. Else the newest run marked promoted (status lost and no Deployment left).
 *
 * `runs` must be newest first.
 */
export function observedServedModel(recorded: ServedModel | undefined, runs: readonly TrainingRunObject[], deployment: DeploymentObject | undefined): ServedModel | undefined {
  const deployed = deployedModelOf(deployment);
  if (deployed) {
    if (recorded && sameModel(recorded, deployed)) return recorded;
    for (const run of runs) {
      const model = servedModelOf(run);
      // A rejected run is never rolled out by the operator: such a template is drift that `recorded` repairs.
      if (model && sameModel(model, deployed) && run.status?.promoted !== false) return model;
    }
  }
  if (recorded) return recorded;
  for (const run of runs) {
    const model = run.status?.promoted === true && !run.metadata.deletionTimestamp ? servedModelOf(run) : undefined;
    if (model) return model;
  }
  return undefined;
}
