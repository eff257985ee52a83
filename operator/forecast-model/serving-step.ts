import type { V1Deployment, V1PodDisruptionBudget, V1Service, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ServedModel } from '../../core/crd/forecast-model.ts';
import type { ResolvedForecastModelSpec } from '../../core/crd/resolve.ts';
import { buildInferenceAutoscaler } from '../builders/autoscaler.ts';
import { buildInferenceDeployment, buildInferenceDisruptionBudget, buildInferenceService, desiredHashOf, type InferenceOptions } from '../builders/inference.ts';
import type { DeploymentObject, ForecastModelObject, KubeObject } from '../kube/objects.ts';

/** Creating or replacing one owned object. */
export interface ChildWrite<T> {
  readonly action: 'create' | 'replace';
  readonly object: T;
}

/** Deleting one owned object. */
export interface ChildDelete {
  readonly action: 'delete';
  readonly name: string;
}

/** A change to one owned object. */
export type ChildChange<T> = ChildWrite<T> | ChildDelete;

/** The serving objects as observed. */
export interface ServingObservation {
  readonly deployment?: DeploymentObject;
  readonly service?: KubeObject;
  readonly disruptionBudget?: KubeObject;
  readonly autoscaler?: KubeObject;
}

/** Changes to the serving objects, and whether the served model is rolled out. */
export interface ServingStep {
  readonly deployment?: ChildWrite<V1Deployment>;
  readonly service?: ChildWrite<V1Service>;
  readonly disruptionBudget?: ChildChange<V1PodDisruptionBudget>;
  readonly autoscaler?: ChildChange<V2HorizontalPodAutoscaler>;
  readonly ready: boolean;
}

function childWrite<T>(desired: T, observed: KubeObject | undefined): ChildWrite<T> | undefined {
  if (!observed) return { action: 'create', object: desired };
  return desiredHashOf(observed) === desiredHashOf(desired) ? undefined : { action: 'replace', object: desired };
}

function change<T>(desired: T | undefined, observed: KubeObject | undefined): ChildChange<T> | undefined {
  if (desired) return childWrite(desired, observed);
  return observed ? { action: 'delete', name: observed.metadata.name } : undefined;
}

function rolledOut(deployment: DeploymentObject | undefined, desired: V1Deployment): boolean {
  if (!deployment || desiredHashOf(deployment) !== desiredHashOf(desired)) return false;
  // While autoscaling the desired object has no count: the live one, which the autoscaler sets, is the target.
  const want = desired.spec?.replicas ?? deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0) && (status.updatedReplicas ?? 0) >= want && (status.availableReplicas ?? 0) >= want;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The serving objects for `served`. With no model known they are left as they are: whatever they serve beats
 * serving nothing. `pinnedRun` is recorded on the Deployment so unpinning is recognised later.
 */
export function decideServing(fm: ForecastModelObject, spec: ResolvedForecastModelSpec, served: ServedModel | undefined, observed: ServingObservation, inference: InferenceOptions, pinnedRun?: string): ServingStep {
  if (!served) return { ready: false };
  const deployment = buildInferenceDeployment(fm, spec, served, inference, pinnedRun);
  let deploymentWrite = childWrite(deployment, observed.deployment);
  // A new Deployment starts at the autoscaler's floor rather than the API default of one; the desired hash
  // was taken without a count, so later passes leave the count to the autoscaler.
  if (deploymentWrite?.action === 'create' && spec.serving.autoscaling) {
    deploymentWrite = { action: 'create', object: { ...deployment, spec: { ...deployment.spec!, replicas: spec.serving.autoscaling.minReplicas } } };
  }
  return {
    ...optional('deployment', deploymentWrite),
    ...optional('service', childWrite(buildInferenceService(fm), observed.service)),
    ...optional('disruptionBudget', change(buildInferenceDisruptionBudget(fm, spec), observed.disruptionBudget)),
    ...optional('autoscaler', change(buildInferenceAutoscaler(fm, spec), observed.autoscaler)),
    ready: rolledOut(observed.deployment, deployment),
  };
}
