import type { StatusCause } from './api-error.ts';
import { ALL_VERBS, type PrinterColumn, type ResourceDefinition } from './resource-definition.ts';
import { isJsonObject, type JsonObject, type KubeObject } from './types.ts';

/** The storage key of a CRD object itself. */
export const CRD_STORAGE_KEY = 'customresourcedefinitions.apiextensions.k8s.io';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function crdParts(crd: KubeObject): { spec: JsonObject; names: JsonObject; versions: JsonObject[] } {
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  return { spec, names, versions };
}

/** Field causes for a CRD the fake server could not serve (the subset of the real checks that matter here). */
export function validateCrd(crd: KubeObject): StatusCause[] {
  const { spec, names, versions } = crdParts(crd);
  const causes: StatusCause[] = [];
  const required = (field: string, value: unknown): void => {
    if (typeof value !== 'string' || value === '') causes.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  };
  required('spec.group', spec.group);
  required('spec.names.plural', names.plural);
  required('spec.names.kind', names.kind);
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`, field: 'spec.scope' });
  }
  if (versions.length === 0) causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: []: must have exactly one version marked as storage version', field: 'spec.versions' });
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: "versions": must have exactly one version marked as storage version', field: 'spec.versions' });
  }
  const expectedName = `${String(names.plural)}.${String(spec.group)}`;
  if (causes.length === 0 && crd.metadata.name !== expectedName) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(crd.metadata.name)}: must be spec.names.plural+"."+spec.group`, field: 'metadata.name' });
  }
  return causes;
}

function printerColumns(version: JsonObject): PrinterColumn[] | undefined {
  const columns = Array.isArray(version.additionalPrinterColumns) ? version.additionalPrinterColumns.filter(isJsonObject) : [];
  if (columns.length === 0) return undefined;
  return columns.map((c) => ({
    name: String(c.name),
    type: String(c.type ?? 'string'),
    jsonPath: String(c.jsonPath ?? ''),
    ...(typeof c.description === 'string' ? { description: c.description } : {}),
    ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
    ...(typeof c.format === 'string' ? { format: c.format } : {}),
  }));
}

/** One resource definition per served version of a (valid) CRD; all versions share storage. */
export function definitionsFromCrd(crd: KubeObject): ResourceDefinition[] {
  const { spec, names, versions } = crdParts(crd);
  const group = String(spec.group);
  const plural = String(names.plural);
  const kind = String(names.kind);
  return versions
    .filter((v) => v.served !== false)
    .map((version): ResourceDefinition => {
      const schemaHolder = isJsonObject(version.schema) ? version.schema : {};
      const schema = isJsonObject(schemaHolder.openAPIV3Schema) ? schemaHolder.openAPIV3Schema : undefined;
      const subresources = isJsonObject(version.subresources) ? version.subresources : {};
      const columns = printerColumns(version);
      return {
        group,
        version: String(version.name),
        kind,
        listKind: typeof names.listKind === 'string' ? names.listKind : `${kind}List`,
        plural,
        singular: typeof names.singular === 'string' ? names.singular : kind.toLowerCase(),
        namespaced: spec.scope === 'Namespaced',
        shortNames: strings(names.shortNames),
        categories: strings(names.categories),
        verbs: ALL_VERBS,
        hasStatusSubresource: subresources.status !== undefined,
        tracksGeneration: true,
        allowsUnconditionalUpdate: false,
        storageKey: `${plural}.${group}`,
        nameRule: 'subdomain',
        returnsDeletedObject: true,
        defaultPropagation: 'Background',
        ...(schema ? { schema } : {}),
        ...(columns ? { printerColumns: columns } : {}),
        crdName: crd.metadata.name ?? `${plural}.${group}`,
        hooks: {},
      };
    });
}

/** The status the apiextensions controller would give an accepted CRD (Helm waits for Established). */
export function establishedCrdStatus(crd: KubeObject, now: string): JsonObject {
  const { names, versions } = crdParts(crd);
  const condition = (type: string, reason: string, message: string): JsonObject => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: { ...names, ...(names.singular ? {} : { singular: String(names.kind ?? '').toLowerCase() }) },
    storedVersions: versions.filter((v) => v.storage === true).map((v) => String(v.name)),
  };
}
