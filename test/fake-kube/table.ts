import { evaluateJsonPath } from './jsonpath.ts';
import type { PrinterColumn, ResourceDefinition } from './resource-definition.ts';
import type { KubeObject } from './types.ts';

/** What each Table row carries besides its cells (`includeObject` query parameter). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** How to render a Table response. */
export interface TableOptions {
  now: Date;
  includeObject: IncludeObject;
  /** meta.k8s.io version the client asked for (kubectl asks v1, then v1beta1). */
  tableVersion: 'v1' | 'v1beta1';
  resourceVersion?: string;
  continueToken?: string;
  remainingItemCount?: number;
}

/** Formats an age like apimachinery's duration.HumanDuration (what kubectl's AGE column shows). */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const AGE_COLUMN: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

function cell(column: PrinterColumn, object: KubeObject, now: Date): unknown {
  let values: unknown[];
  try {
    values = evaluateJsonPath(object, column.jsonPath);
  } catch {
    return null;
  }
  const value = values[0];
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'date': {
      const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(time) ? '<unknown>' : humanDuration(now.getTime() - time);
    }
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : value;
    case 'string':
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    default:
      return value;
  }
}

function rowObject(object: KubeObject, includeObject: IncludeObject, tableVersion: string): unknown {
  if (includeObject === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata: object.metadata };
}

/**
 * A meta.k8s.io Table for `objects`: Name, then the CRD's additionalPrinterColumns (or the
 * built-in columns), or Name + Age when none are declared. Date columns become ages.
 */
export function buildTable(def: ResourceDefinition, objects: KubeObject[], options: TableOptions): Record<string, unknown> {
  const columns = def.printerColumns ?? [AGE_COLUMN];
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.tableVersion}`,
    metadata: {
      ...(options.resourceVersion !== undefined ? { resourceVersion: options.resourceVersion } : {}),
      ...(options.continueToken !== undefined ? { continue: options.continueToken } : {}),
      ...(options.remainingItemCount !== undefined ? { remainingItemCount: options.remainingItemCount } : {}),
    },
    columnDefinitions: [
      NAME_COLUMN,
      ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    ],
    rows: objects.map((object) => ({
      cells: [object.metadata.name ?? '', ...columns.map((c) => cell(c, object, options.now))],
      ...(options.includeObject === 'None' ? {} : { object: rowObject(object, options.includeObject, options.tableVersion) }),
    })),
  };
}
