import { parse as parseYaml } from 'yaml';
import { badRequest, unsupportedMediaType } from './api-error.ts';
import type { PropagationPolicy } from './deletion-controller.ts';
import { parseJsonBody } from './http-io.ts';
import { isKubeObjectBody, type FieldValidation } from './object-admission.ts';
import { decodeProtobufObject, isKubernetesProtobuf } from './protobuf-body.ts';
import type { DeleteOptions, ListQuery, PatchType, WriteOptions } from './resource-operations.ts';
import { isJsonObject, type KubeObject } from './types.ts';

/*
 * Turning query parameters, headers and bodies into the options of the resource operations.
 */

/** Patch content types the server accepts, by media type. */
export const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The media type of a Content-Type header, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function fieldValidation(params: URLSearchParams): FieldValidation {
  const value = params.get('fieldValidation');
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation must be one of Ignore, Warn, Strict; got ${JSON.stringify(value)}`);
}

/** create/update/patch options from the query string. */
export function writeOptions(params: URLSearchParams, subresource: 'status' | undefined): WriteOptions {
  const fieldManager = params.get('fieldManager');
  return {
    dryRun: params.getAll('dryRun').includes('All'),
    fieldValidation: fieldValidation(params),
    ...(fieldManager ? { fieldManager } : {}),
    ...(subresource ? { subresource } : {}),
  };
}

/** list/deletecollection filters and paging from the query string. */
export function listQuery(params: URLSearchParams): ListQuery {
  const limit = params.get('limit');
  const labelSelector = params.get('labelSelector');
  const fieldSelector = params.get('fieldSelector');
  const continueToken = params.get('continue');
  return {
    ...(labelSelector ? { labelSelector } : {}),
    ...(fieldSelector ? { fieldSelector } : {}),
    ...(limit ? { limit: Number(limit) } : {}),
    ...(continueToken ? { continueToken } : {}),
  };
}

function propagation(value: unknown): PropagationPolicy | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === 'Background' || value === 'Foreground' || value === 'Orphan') return value;
  throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(value)}: supported values: "Foreground", "Background", "Orphan"`);
}

/** DeleteOptions from the query string and the (JSON or protobuf) body. */
export function deleteOptions(params: URLSearchParams, rawBytes: Buffer, contentType: string): DeleteOptions {
  const raw = rawBytes.toString('utf8');
  const body = isKubernetesProtobuf(contentType) ? decodeProtobufObject(rawBytes) : raw.trim() === '' ? {} : parseJsonBody(raw);
  const options = isJsonObject(body) ? body : {};
  const orphan = options.orphanDependents ?? (params.get('orphanDependents') === null ? undefined : params.get('orphanDependents') === 'true');
  const policy =
    propagation(options.propagationPolicy ?? params.get('propagationPolicy')) ??
    (orphan === true ? 'Orphan' : orphan === false ? 'Background' : undefined);
  const preconditions = isJsonObject(options.preconditions) ? options.preconditions : {};
  const dryRun = params.getAll('dryRun').includes('All') || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
  return {
    ...(policy ? { propagationPolicy: policy } : {}),
    preconditions: {
      ...(typeof preconditions.uid === 'string' ? { uid: preconditions.uid } : {}),
      ...(typeof preconditions.resourceVersion === 'string' ? { resourceVersion: preconditions.resourceVersion } : {}),
    },
    dryRun,
  };
}

/** The object in a create/update body (JSON, YAML or Kubernetes protobuf). */
export function objectBody(rawBytes: Buffer, contentType: string): KubeObject {
  let body: unknown;
  const raw = rawBytes.toString('utf8');
  if (isKubernetesProtobuf(contentType)) {
    body = decodeProtobufObject(rawBytes);
  } else if (contentType !== '' && contentType !== 'application/json' && contentType !== 'application/yaml' && contentType !== '*/*') {
    throw unsupportedMediaType('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  } else if (contentType === 'application/yaml') {
    try {
      body = parseYaml(raw);
    } catch (error) {
      throw badRequest(`the body of the request could not be decoded as YAML: ${(error as Error).message}`);
    }
  } else {
    body = parseJsonBody(raw);
  }
  if (!isKubeObjectBody(body)) throw badRequest('the body of the request must be a Kubernetes object');
  return { ...body, metadata: { ...(body.metadata ?? {}) } };
}

/** `Warning` headers (code 299) for admission warnings such as pruned unknown fields. */
export function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) };
}
