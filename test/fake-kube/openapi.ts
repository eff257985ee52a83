import { createHash } from 'node:crypto';
import { SERVER_VERSION } from './discovery.ts';
import type { ResourceDefinition } from './resource-definition.ts';
import type { ResourceRegistry } from './resource-registry.ts';

/*
 * A minimal OpenAPI v3 so kubectl's field-validation probe succeeds: each group/version document
 * declares, per kind, a PATCH operation that accepts the `fieldValidation` query parameter (then
 * kubectl leaves validation to the server instead of validating against a local schema). CRD schemas
 * are included so `kubectl explain` works. Strategic merge is not advertised, so kubectl falls back
 * to its compiled-in knowledge for built-in kinds and to JSON merge patches for custom resources.
 */

const QUERY_PARAMETERS = ['fieldValidation', 'fieldManager', 'dryRun'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

/** Path segment of a group/version in the OpenAPI v3 index (`api/v1`, `apis/apps/v1`). */
function indexPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** The schema name the apiserver gives a kind: reversed group, version, kind. */
function schemaName(def: ResourceDefinition): string {
  const reversedGroup = def.group === '' ? 'io.k8s.api.core' : def.group.split('.').reverse().join('.');
  return `${reversedGroup}.${def.version}.${def.kind}`;
}

/** GET /openapi/v3: one entry per served group/version. */
export function openApiV3Index(registry: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const groupVersions = new Set(registry.all().map((d) => `${d.group}|${d.version}`));
  for (const entry of groupVersions) {
    const [group = '', version = ''] = entry.split('|');
    const document = JSON.stringify(openApiV3GroupVersion(registry, group, version));
    const hash = createHash('sha256').update(document).digest('hex').slice(0, 32).toUpperCase();
    paths[indexPath(group, version)] = { serverRelativeURL: `/openapi/v3/${indexPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

function objectPath(def: ResourceDefinition): string {
  const prefix = def.group === '' ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
  return def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}/{name}` : `${prefix}/${def.plural}/{name}`;
}

/** GET /openapi/v3/<api|apis>/...: the document of one group/version (undefined when not served). */
export function openApiV3GroupVersion(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const defs = registry.inGroupVersion(group, version);
  if (defs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const def of defs) {
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    const patch: Record<string, unknown> = {
      operationId: `patch${def.kind}`,
      parameters: QUERY_PARAMETERS,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': 'patch',
      'x-kubernetes-group-version-kind': gvk,
    };
    if (def.crdName !== undefined) {
      patch.requestBody = {
        content: Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'].map((t) => [t, { schema: { type: 'object' } }])),
      };
    }
    paths[objectPath(def)] = { patch };
    if (def.schema) schemas[schemaName(def)] = { ...def.schema, 'x-kubernetes-group-version-kind': [gvk] };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

/** Splits `/openapi/v3/apis/apps/v1` into group and version (undefined for other paths). */
export function parseOpenApiV3Path(pathname: string): { group: string; version: string } | undefined {
  const rest = pathname.slice('/openapi/v3/'.length).split('/').filter((s) => s !== '');
  if (rest[0] === 'api' && rest.length === 2) return { group: '', version: rest[1] ?? '' };
  if (rest[0] === 'apis' && rest.length === 3) return { group: rest[1] ?? '', version: rest[2] ?? '' };
  return undefined;
}
